import type { AdminResult } from './admin-operations.ts';

/** Prints an operation's lines to stdout, one per line (the CLI's whole output on success). */
export function printAdminResult(result: AdminResult): void {
  for (const line of result.lines) console.log(line);
}
