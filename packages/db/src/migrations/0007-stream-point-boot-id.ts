// Each start of a stream point's sclang beacons a random boot id. A changed id means the previous
// interpreter is gone with the instructions it was running: the backend fails them at once.

/** Statements of migration 0007. */
export const streamPointBootId: readonly string[] = [
  `ALTER TABLE stream_point ADD COLUMN boot_id varchar(64)`,
];
