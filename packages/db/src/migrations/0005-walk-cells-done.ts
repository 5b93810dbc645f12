// Resuming a walk mid-node: how many cells of the stored node already ran, so a walk resumed on
// another backend goes on with the next cell instead of running the node's cells again.

/** Statements of migration 0005. */
export const walkCellsDone: readonly string[] = [
  `ALTER TABLE stream ADD COLUMN walk_cells_done integer NOT NULL DEFAULT 0
     CHECK (walk_cells_done >= 0)`,
];
