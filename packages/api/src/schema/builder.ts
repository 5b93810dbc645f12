import SchemaBuilder from '@pothos/core';
import { GencasterError } from '@gencaster/domain';
import type { ApiContext } from '../server/context.ts';

/** Scalar types of the schema (UUID, DateTime, Upload, Void, as the original schema named them). */
export type ApiScalars = {
  UUID: { Input: string; Output: string };
  DateTime: { Input: Date; Output: Date | string };
  Upload: { Input: File; Output: never };
  Void: { Input: never; Output: null | undefined };
};

/**
 * The one Pothos builder of the API. Input fields are optional unless marked required, output
 * fields are non-null unless marked nullable — the nullability follows the data (the original declared everything nullable).
 */
export const builder = new SchemaBuilder<{
  Context: ApiContext;
  Scalars: ApiScalars;
  DefaultInputFieldRequiredness: false;
  DefaultFieldNullability: false;
}>({ defaultFieldNullability: false });

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

builder.scalarType('UUID', {
  description: 'A UUID in its canonical 36-character form.',
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== 'string' || !uuidPattern.test(value))
      throw new GencasterError('INVALID_INPUT', 'UUID expected');
    return value.toLowerCase();
  },
});

builder.scalarType('DateTime', {
  description: 'Date with time (ISO 8601).',
  serialize: (value) =>
    value instanceof Date ? value.toISOString() : new Date(value).toISOString(),
  parseValue: (value) => {
    const date = new Date(String(value));
    if (Number.isNaN(date.getTime()))
      throw new GencasterError('INVALID_INPUT', 'DateTime expected');
    return date;
  },
});

builder.scalarType('Upload', {
  description: 'A file sent as a multipart request part (GraphQL multipart request spec).',
  serialize: () => {
    throw new TypeError('Upload is an input-only scalar');
  },
  parseValue: (value) => {
    // Duck-typed: multipart parsers may use their own File implementation.
    const file = value as Partial<File> | null;
    if (typeof file?.arrayBuffer !== 'function' || typeof file.size !== 'number') {
      throw new GencasterError('INVALID_INPUT', 'file upload expected');
    }
    return value as File;
  },
});

builder.scalarType('Void', {
  description: 'Represents NULL values',
  serialize: () => null,
  parseValue: () => {
    throw new TypeError('Void is an output-only scalar');
  },
});
