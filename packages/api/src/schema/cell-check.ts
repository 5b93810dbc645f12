import { GencasterError } from '@gencaster/domain';
import { validateMarkdown } from '@gencaster/story';
import type { ApiContext } from '../server/context.ts';

/** A cell as a create/update mutation would store it. */
export interface CellToCheck {
  /** Absent for a cell that is being created. */
  uuid?: string;
  /** Position in the mutation's input list (for messages about new cells). */
  index: number;
  cellType: string;
  cellCode: string;
}

/** A problem of one cell, with its 1-based position in the cell's code. */
export interface CellProblem {
  cellUuid: string | null;
  index: number;
  line: number;
  column: number;
  message: string;
}

/**
 * Finds the first problem of a cell the way the editor marks it inline: Python and JavaScript
 * syntax through the story sandbox (the same parser that runs the cell), markdown tokens through
 * the story's `validateMarkdown` (unknown tokens, `{break}` without a duration, malformed raw
 * SSML). SuperCollider, comment and audio cells are not checked; without a sandbox, scripts are
 * not checked either.
 */
export async function findCellProblem(
  ctx: ApiContext,
  cell: CellToCheck,
): Promise<CellProblem | null> {
  const at = { cellUuid: cell.uuid ?? null, index: cell.index };
  const type = cell.cellType.toLowerCase();
  if (type === 'markdown') {
    const problem = validateMarkdown(cell.cellCode)[0];
    return problem ? { ...at, ...problem } : null;
  }
  if (type !== 'python' && type !== 'javascript') return null;
  const sandbox = ctx.runtime.services.sandbox;
  if (!sandbox || cell.cellCode.trim() === '') return null;
  const result = await sandbox.checkSyntax({ language: type, code: cell.cellCode, mode: 'cell' });
  if (result.ok) return null;
  return { ...at, line: result.line, column: result.column, message: result.message };
}

/**
 * Rejects a create/update of cells with INVALID_INPUT when one has a problem; `details` carries
 * `cellUuid` (null for a new cell), `cellIndex`, `line` and `column`, which the editor uses to
 * mark the line. Nothing is stored then (the check runs before the transaction).
 */
export async function rejectInvalidCells(ctx: ApiContext, cells: CellToCheck[]): Promise<void> {
  for (const cell of cells) {
    const problem = await findCellProblem(ctx, cell);
    if (!problem) continue;
    const which = problem.cellUuid ? `cell ${problem.cellUuid}` : `new cell #${problem.index + 1}`;
    throw new GencasterError(
      'INVALID_INPUT',
      `${cell.cellType} ${which}: line ${problem.line}, column ${problem.column}: ${problem.message}`,
      {
        details: {
          cellUuid: problem.cellUuid,
          cellIndex: problem.index,
          line: problem.line,
          column: problem.column,
        },
      },
    );
  }
}
