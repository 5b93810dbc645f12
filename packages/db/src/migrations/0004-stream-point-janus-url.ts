// Several sound hosts: each launcher beacons the HTTP API URL of its own Janus (optional beacon key
// `janus_http_url`), so any backend can route a listener to the Janus of the point it was given.

/** Statements of migration 0004. */
export const streamPointJanusUrl: readonly string[] = [
  `ALTER TABLE stream_point ADD COLUMN janus_http_url varchar(255)
     CHECK (janus_http_url IS NULL OR janus_http_url ~ '^https?://')`,
];
