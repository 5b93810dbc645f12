// Paging of every admin list: the server bounds the page, so a page size of a million is answered
// with at most MAX_PAGE_SIZE rows, never a table scan sent to the browser.
import { GencasterError } from '@gencaster/domain';
import type { ObjectRef } from '@pothos/core';
import { builder } from '../schema/builder.ts';

/** Largest page any admin list returns; larger requests are cut down to it. */
export const MAX_PAGE_SIZE = 200;
/** Page size when the caller gives none. */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest offset accepted (deep offsets are slow scans; filter instead). */
export const MAX_OFFSET = 1_000_000;

/** A requested page as the resolvers receive it. */
export interface PageRequest {
  offset?: number | null;
  limit?: number | null;
}

/** A page after bounding: what the query runs with and what the answer reports. */
export interface BoundedPage {
  offset: number;
  limit: number;
}

/** One page of rows with the total count matching the filter. */
export interface Page<T> extends BoundedPage {
  items: T[];
  totalCount: number;
}

/** GraphQL input of a page. */
export const AdminPageInputRef = builder.inputType('AdminPageInput', {
  description: `Offset paging. limit defaults to ${DEFAULT_PAGE_SIZE} and is cut down to ${MAX_PAGE_SIZE}.`,
  fields: (t) => ({ offset: t.int(), limit: t.int() }),
});

/**
 * Bounds a requested page: a negative offset or limit, or an offset beyond MAX_OFFSET, is
 * INVALID_INPUT; a limit above MAX_PAGE_SIZE is cut down (the answer says which limit applied).
 */
export function boundPage(request: PageRequest | null | undefined): BoundedPage {
  const offset = request?.offset ?? 0;
  const limit = request?.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_OFFSET)
    throw new GencasterError('INVALID_INPUT', `offset must be between 0 and ${MAX_OFFSET}`, {
      details: { maxOffset: MAX_OFFSET },
    });
  if (!Number.isInteger(limit) || limit < 1)
    throw new GencasterError('INVALID_INPUT', 'limit must be at least 1', {
      details: { maxPageSize: MAX_PAGE_SIZE },
    });
  return { offset, limit: Math.min(limit, MAX_PAGE_SIZE) };
}

/** The schema types of the API's builder (for typing refs passed around). */
type ApiTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer Types> ? Types : never;

/** Defines the GraphQL page type `<name>` of items of `item`. */
export function pageRef<T>(name: string, item: ObjectRef<ApiTypes, T>) {
  return builder.objectRef<Page<T>>(name).implement({
    description: 'One page of a server-side filtered list.',
    fields: (t) => ({
      items: t.field({ type: [item], resolve: (page) => page.items }),
      totalCount: t.exposeInt('totalCount', { description: 'Rows matching the filter.' }),
      offset: t.exposeInt('offset'),
      limit: t.exposeInt('limit', { description: 'The page size that applied (bounded).' }),
    }),
  });
}
