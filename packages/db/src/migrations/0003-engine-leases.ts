// Scale-out: several backends share one database. Exactly one backend runs the graph
// engine of a stream, recorded as a lease row whose primary key makes a second owner impossible;
// the walk position lives on the stream so that another backend can resume the walk.

/** Statements of migration 0003. */
export const engineLeases: readonly string[] = [
  `CREATE TABLE engine_lease (
    stream_uuid uuid PRIMARY KEY REFERENCES stream(uuid) ON DELETE CASCADE,
    backend_id varchar(255) NOT NULL CHECK (backend_id <> ''),
    acquired_date timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
  )`,
  `CREATE INDEX engine_lease_backend ON engine_lease(backend_id)`,
  `CREATE INDEX engine_lease_expires ON engine_lease(expires_at)`,
  `ALTER TABLE stream ADD COLUMN walk_node_uuid uuid REFERENCES node(uuid) ON DELETE SET NULL`,
  `ALTER TABLE stream ADD COLUMN walk_step integer NOT NULL DEFAULT 0 CHECK (walk_step >= 0)`,
];
