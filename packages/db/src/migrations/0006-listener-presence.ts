// Listener presence: each backend stamps the listeners it holds every few seconds. A listener row
// nobody stamped for longer than the reconnect grace belonged to a backend that died; dropping it
// keeps counts exact on shared streams, which the engine-lease sweep alone cannot free.

/** Statements of migration 0006. */
export const listenerPresence: readonly string[] = [
  `CREATE TABLE listener_presence (
    listener_id varchar(255) PRIMARY KEY CHECK (listener_id <> ''),
    seen_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX listener_presence_seen_at ON listener_presence (seen_at)`,
];
