/**
 * Unsaved edits of one editor, kept per record (cell or door uuid) and field together with the
 * server value the edit started from ("base"). Comparing the base with what the server reports
 * later tells a harmless echo of our own save apart from another editor's newer change, so live
 * updates never silently overwrite local work and a save never silently overwrites theirs.
 */

/** One edited field: the value the server had when editing began, and ours. */
export interface FieldEdit {
  base: unknown;
  mine: unknown;
}

/** Edits by record id, then field name. */
export type Draft = Record<string, Record<string, FieldEdit>>;

/** A field that another editor changed after we started editing it. */
export interface Conflict {
  id: string;
  field: string;
  base: unknown;
  mine: unknown;
  theirs: unknown;
}

/** Server records by id: the plain field values an editor can change. */
export type ServerRecords = Record<string, Record<string, unknown>>;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Records a local edit; keeps the first base so repeated typing does not move it. */
export function recordEdit(
  draft: Draft,
  id: string,
  field: string,
  value: unknown,
  serverValue: unknown,
): void {
  const fields = (draft[id] ??= {});
  const existing = fields[field];
  if (existing) {
    existing.mine = value;
    if (same(existing.base, value)) delete fields[field];
  } else if (!same(serverValue, value)) {
    fields[field] = { base: serverValue, mine: value };
  }
  if (Object.keys(fields).length === 0) delete draft[id];
}

/** True when the draft holds at least one edit. */
export function isDirty(draft: Draft): boolean {
  return Object.keys(draft).length > 0;
}

/** The edited fields of one record as a partial update (field → our value). */
export function changesOf(draft: Draft, id: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(draft[id] ?? {}).map(([field, edit]) => [field, edit.mine]),
  );
}

/** A server record with our unsaved edits laid over it. */
export function withEdits<T extends Record<string, unknown>>(
  draft: Draft,
  id: string,
  record: T,
): T {
  return { ...record, ...changesOf(draft, id) };
}

/**
 * Brings the draft up to date with newer server records. Edits the server already holds are
 * dropped (our own save coming back); edits of records that no longer exist are dropped and
 * reported; fields the server changed to something else than our base are reported as conflicts
 * and kept, so the user decides.
 */
export function reconcile(
  draft: Draft,
  server: ServerRecords,
): { conflicts: Conflict[]; removed: string[] } {
  const conflicts: Conflict[] = [];
  const removed: string[] = [];
  for (const [id, fields] of Object.entries(draft)) {
    const record = server[id];
    if (!record) {
      removed.push(id);
      delete draft[id];
      continue;
    }
    for (const [field, edit] of Object.entries(fields)) {
      const theirs = record[field];
      if (same(theirs, edit.mine)) delete fields[field];
      else if (!same(theirs, edit.base))
        conflicts.push({ id, field, base: edit.base, mine: edit.mine, theirs });
    }
    if (Object.keys(fields).length === 0) delete draft[id];
  }
  return { conflicts, removed };
}

/** Resolves conflicts by accepting the server values: the base moves to theirs, ours stays. */
export function acceptTheirsAsBase(draft: Draft, conflicts: Conflict[]): void {
  for (const conflict of conflicts) {
    const edit = draft[conflict.id]?.[conflict.field];
    if (edit) edit.base = conflict.theirs;
  }
}

/** Drops our edits of the conflicting fields, so the other editor's values show. */
export function takeTheirs(draft: Draft, conflicts: Conflict[]): void {
  for (const conflict of conflicts) {
    const fields = draft[conflict.id];
    if (!fields) continue;
    delete fields[conflict.field];
    if (Object.keys(fields).length === 0) delete draft[conflict.id];
  }
}

/** Forgets every edit. */
export function clearDraft(draft: Draft): void {
  for (const id of Object.keys(draft)) delete draft[id];
}
