// A graph names how listeners' browsers buffer its stream (new; the original had no such field):
// `interactive` (as short a jitter buffer as the browser manages) or `robust` (a longer one for
// jittery networks). Existing graphs get `interactive`, which is what their listeners had before:
// the browser's own adaptive buffer with no extra target. The default stays for new rows, so every
// writer that leaves the field out (original clients, dump imports) gets the same.

/** Statements of migration 0010. */
export const graphLatencyProfile: readonly string[] = [
  `ALTER TABLE graph ADD COLUMN latency_profile varchar(32) NOT NULL DEFAULT 'interactive'
    CHECK (latency_profile IN ('interactive', 'robust'))`,
];
