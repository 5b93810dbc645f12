// How the apps write a server timestamp: local time in ISO order (the Swedish locale writes
// `2026-12-03 16:50:00`), the same on every page whatever the browser's language.

/** Date and time of an ISO timestamp; `empty` when there is none. */
export function formatTimestamp(iso: string | null | undefined, empty = '—'): string {
  return iso ? new Date(iso).toLocaleString('sv-SE') : empty;
}

/** Time of day of an ISO timestamp (or of now). */
export function formatTimeOfDay(iso?: string): string {
  return (iso === undefined ? new Date() : new Date(iso)).toLocaleTimeString('sv-SE');
}
