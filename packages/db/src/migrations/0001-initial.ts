// The initial schema: stream app, story graph, users and sessions. Plain PostgreSQL that runs
// unchanged on PGlite (PostgreSQL 18 in WASM) and on PostgreSQL 15. Enum values are spelled out
// literally so that this migration never changes once applied.

const timestamps = `
  created_date timestamptz NOT NULL DEFAULT now(),
  modified_date timestamptz NOT NULL DEFAULT now()`;

const tablesWithModifiedDate = [
  'app_user',
  'stream_point',
  'graph',
  'stream',
  'stream_variable',
  'stream_instruction',
  'stream_log',
  'audio_file',
  'text_to_speech',
  'node',
  'node_door',
  'edge',
  'audio_cell',
  'script_cell',
];

/** Statements of migration 0001, executed one by one in one transaction. */
export const initialSchema: readonly string[] = [
  `CREATE FUNCTION gencaster_set_modified_date() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN NEW.modified_date := now(); RETURN NEW; END $$`,

  `CREATE TABLE app_user (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),${timestamps},
    username varchar(150) NOT NULL UNIQUE CHECK (username <> ''),
    email varchar(254) NOT NULL DEFAULT '',
    first_name varchar(150) NOT NULL DEFAULT '',
    last_name varchar(150) NOT NULL DEFAULT '',
    password_hash text NOT NULL,
    role varchar(16) NOT NULL DEFAULT 'editor' CHECK (role IN ('admin', 'editor')),
    is_active boolean NOT NULL DEFAULT true
  )`,

  `CREATE TABLE user_session (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_date timestamptz NOT NULL DEFAULT now(),
    user_uuid uuid NOT NULL REFERENCES app_user(uuid) ON DELETE CASCADE,
    token_hash text NOT NULL UNIQUE,
    kind varchar(16) NOT NULL DEFAULT 'session' CHECK (kind IN ('session', 'api_token')),
    name varchar(255) NOT NULL DEFAULT '',
    expires_date timestamptz,
    CHECK (kind = 'api_token' OR expires_date IS NOT NULL)
  )`,
  `CREATE INDEX user_session_user ON user_session(user_uuid)`,

  `CREATE TABLE stream_point (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),${timestamps},
    host varchar(255) NOT NULL CHECK (host <> ''),
    port integer NOT NULL CHECK (port BETWEEN 0 AND 65535),
    use_input boolean NOT NULL DEFAULT false,
    janus_in_port integer,
    janus_out_port integer,
    janus_in_room integer,
    janus_out_room integer,
    janus_public_ip varchar(128),
    sc_name varchar(128),
    last_live timestamptz,
    CONSTRAINT stream_point_host_port UNIQUE (host, port)
  )`,
  `CREATE INDEX stream_point_last_live ON stream_point(last_live DESC)`,

  `CREATE TABLE graph (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),${timestamps},
    name varchar(255) NOT NULL CHECK (name <> ''),
    display_name varchar(512) NOT NULL CHECK (display_name <> ''),
    slug_name varchar(256) NOT NULL CHECK (slug_name ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    stream_assignment_policy varchar(255) NOT NULL DEFAULT 'one_user_one_stream'
      CHECK (stream_assignment_policy IN ('one_graph_one_stream', 'one_user_one_stream', 'deactivate')),
    public_visible boolean NOT NULL DEFAULT true,
    template_name varchar(255) NOT NULL DEFAULT 'default' CHECK (template_name IN ('default')),
    start_text text NOT NULL DEFAULT '',
    about_text text NOT NULL DEFAULT '',
    end_text text NOT NULL DEFAULT '',
    CONSTRAINT graph_name_unique UNIQUE (name),
    CONSTRAINT graph_slug_name_unique UNIQUE (slug_name)
  )`,

  // A stream is active while it holds its stream point; released streams keep their history.
  `CREATE TABLE stream (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),${timestamps},
    stream_point_uuid uuid NOT NULL REFERENCES stream_point(uuid) ON DELETE CASCADE,
    graph_uuid uuid REFERENCES graph(uuid) ON DELETE CASCADE,
    num_listeners integer NOT NULL DEFAULT 0 CONSTRAINT stream_num_listeners_not_negative CHECK (num_listeners >= 0),
    active boolean NOT NULL DEFAULT true,
    shared boolean NOT NULL DEFAULT false,
    ended_date timestamptz,
    CONSTRAINT stream_active_not_ended CHECK (active = (ended_date IS NULL))
  )`,
  `CREATE UNIQUE INDEX stream_one_active_per_point ON stream(stream_point_uuid) WHERE active`,
  `CREATE UNIQUE INDEX stream_one_shared_per_graph ON stream(graph_uuid) WHERE active AND shared`,
  `CREATE INDEX stream_created ON stream(created_date DESC)`,

  // One row per counted listener: joining twice or leaving twice changes the count once.
  `CREATE TABLE stream_listener (
    stream_uuid uuid NOT NULL REFERENCES stream(uuid) ON DELETE CASCADE,
    listener_id varchar(255) NOT NULL CHECK (listener_id <> ''),
    joined_date timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream_uuid, listener_id)
  )`,
  `CREATE FUNCTION gencaster_count_listeners() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'INSERT' THEN
       UPDATE stream SET num_listeners = num_listeners + 1 WHERE uuid = NEW.stream_uuid;
       RETURN NEW;
     ELSIF TG_OP = 'DELETE' THEN
       UPDATE stream SET num_listeners = num_listeners - 1 WHERE uuid = OLD.stream_uuid;
       RETURN OLD;
     END IF;
     RAISE EXCEPTION 'stream_listener rows cannot be updated' USING ERRCODE = 'check_violation';
   END $$`,
  `CREATE TRIGGER stream_listener_count AFTER INSERT OR DELETE OR UPDATE ON stream_listener
   FOR EACH ROW EXECUTE FUNCTION gencaster_count_listeners()`,

  `CREATE TABLE stream_variable (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),${timestamps},
    stream_uuid uuid NOT NULL REFERENCES stream(uuid) ON DELETE CASCADE,
    key varchar(512) NOT NULL CHECK (key <> ''),
    value text NOT NULL DEFAULT '',
    stream_to_sc boolean NOT NULL DEFAULT false,
    CONSTRAINT stream_variable_stream_key UNIQUE (stream_uuid, key)
  )`,

  `CREATE TABLE stream_instruction (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),${timestamps},
    stream_point_uuid uuid REFERENCES stream_point(uuid) ON DELETE CASCADE,
    instruction_text text NOT NULL,
    state varchar(100) NOT NULL DEFAULT 'UNACKNOWLEDGED' CHECK (state IN
      ('UNACKNOWLEDGED', 'SENT', 'RECEIVED', 'FINISHED', 'FAILURE', 'SUCCESS', 'READY')),
    return_value text NOT NULL DEFAULT '',
    deadline_date timestamptz
  )`,
  `CREATE INDEX stream_instruction_point ON stream_instruction(stream_point_uuid, modified_date DESC)`,

  `CREATE TABLE stream_log (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),${timestamps},
    stream_point_uuid uuid REFERENCES stream_point(uuid) ON DELETE CASCADE,
    stream_uuid uuid REFERENCES stream(uuid) ON DELETE CASCADE,
    origin varchar(32) CHECK (origin IN ('graph_engine', 'supercollider', 'janus')),
    level integer NOT NULL DEFAULT 20 CHECK (level IN (0, 10, 20, 30, 40, 50)),
    message text NOT NULL,
    name varchar(255)
  )`,
  `CREATE INDEX stream_log_stream ON stream_log(stream_uuid, created_date DESC)`,
  `CREATE INDEX stream_log_point ON stream_log(stream_point_uuid, created_date DESC)`,

  `CREATE TABLE audio_file (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),${timestamps},
    name varchar(1024) NOT NULL DEFAULT 'untitled' CHECK (name <> ''),
    auto_generated boolean NOT NULL DEFAULT true,
    file varchar(1024) UNIQUE,
    description text NOT NULL DEFAULT ''
  )`,

  `CREATE TABLE text_to_speech (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),${timestamps},
    audio_file_uuid uuid NOT NULL REFERENCES audio_file(uuid) ON DELETE CASCADE,
    text text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 5000),
    voice_name varchar(64) NOT NULL DEFAULT 'de-DE-Neural2-C'
  )`,
  `CREATE INDEX text_to_speech_key ON text_to_speech(voice_name, md5(text))`,

  `CREATE TABLE node (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),${timestamps},
    graph_uuid uuid NOT NULL REFERENCES graph(uuid) ON DELETE CASCADE,
    name varchar(255) NOT NULL DEFAULT '',
    color varchar(16) NOT NULL DEFAULT '#fff',
    position_x double precision NOT NULL DEFAULT 0,
    position_y double precision NOT NULL DEFAULT 0,
    is_entry_node boolean NOT NULL DEFAULT false,
    is_blocking_node boolean NOT NULL DEFAULT false
  )`,
  `CREATE UNIQUE INDEX node_one_entry_per_graph ON node(graph_uuid) WHERE is_entry_node`,
  `CREATE INDEX node_graph ON node(graph_uuid)`,

  `CREATE TABLE node_door (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),${timestamps},
    node_uuid uuid NOT NULL REFERENCES node(uuid) ON DELETE CASCADE,
    door_type varchar(20) NOT NULL DEFAULT 'output' CHECK (door_type IN ('input', 'output')),
    name varchar(512) NOT NULL CHECK (name <> ''),
    "order" integer NOT NULL DEFAULT 0,
    is_default boolean NOT NULL DEFAULT false,
    code text NOT NULL DEFAULT ''
  )`,
  `CREATE UNIQUE INDEX node_door_one_default_per_type ON node_door(node_uuid, door_type) WHERE is_default`,

  `CREATE TABLE edge (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),${timestamps},
    out_node_door_uuid uuid NOT NULL REFERENCES node_door(uuid) ON DELETE CASCADE,
    in_node_door_uuid uuid NOT NULL REFERENCES node_door(uuid) ON DELETE CASCADE,
    CONSTRAINT edge_door_pair_unique UNIQUE (in_node_door_uuid, out_node_door_uuid)
  )`,
  `CREATE INDEX edge_out_door ON edge(out_node_door_uuid)`,

  `CREATE TABLE audio_cell (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),${timestamps},
    playback varchar(512) NOT NULL DEFAULT 'sync_playback'
      CHECK (playback IN ('sync_playback', 'async_playback')),
    audio_file_uuid uuid NOT NULL REFERENCES audio_file(uuid) ON DELETE CASCADE,
    volume double precision NOT NULL DEFAULT 0.2 CHECK (volume >= 0)
  )`,

  `CREATE TABLE script_cell (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),${timestamps},
    node_uuid uuid NOT NULL REFERENCES node(uuid) ON DELETE CASCADE,
    cell_type varchar(128) NOT NULL DEFAULT 'comment' CHECK (cell_type IN
      ('markdown', 'python', 'javascript', 'supercollider', 'comment', 'audio')),
    cell_code text NOT NULL,
    cell_order integer NOT NULL DEFAULT 0,
    audio_cell_uuid uuid UNIQUE REFERENCES audio_cell(uuid) ON DELETE CASCADE,
    CONSTRAINT script_cell_audio_needs_audio_cell CHECK (cell_type <> 'audio' OR audio_cell_uuid IS NOT NULL)
  )`,
  `CREATE INDEX script_cell_node ON script_cell(node_uuid, cell_order)`,
  ...graphTriggers(),
  ...tablesWithModifiedDate.map(
    (table) => `CREATE TRIGGER ${table}_modified_date BEFORE UPDATE ON ${table}
     FOR EACH ROW EXECUTE FUNCTION gencaster_set_modified_date()`,
  ),
];

function graphTriggers(): string[] {
  return [
    // Every new graph gets its entry node "Start"; every new node its two default doors.
    `CREATE FUNCTION gencaster_graph_entry_node() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       INSERT INTO node (graph_uuid, name, is_entry_node) VALUES (NEW.uuid, 'Start', true);
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER graph_entry_node AFTER INSERT ON graph
     FOR EACH ROW EXECUTE FUNCTION gencaster_graph_entry_node()`,
    `CREATE FUNCTION gencaster_node_default_doors() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       INSERT INTO node_door (node_uuid, door_type, name, is_default, code)
       VALUES (NEW.uuid, 'input', 'default', true, 'True'),
              (NEW.uuid, 'output', 'default', true, 'True');
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER node_default_doors AFTER INSERT ON node
     FOR EACH ROW EXECUTE FUNCTION gencaster_node_default_doors()`,
    // A node stays in its graph; the entry node can only go away with its graph.
    `CREATE FUNCTION gencaster_node_guard() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP = 'UPDATE' THEN
         IF NEW.graph_uuid <> OLD.graph_uuid THEN
           RAISE EXCEPTION 'a node cannot move to another graph' USING ERRCODE = 'check_violation';
         END IF;
         RETURN NEW;
       END IF;
       IF OLD.is_entry_node AND EXISTS (SELECT 1 FROM graph WHERE uuid = OLD.graph_uuid) THEN
         RAISE EXCEPTION 'the entry node of a graph cannot be deleted' USING ERRCODE = 'check_violation';
       END IF;
       RETURN OLD;
     END $$`,
    `CREATE TRIGGER node_guard BEFORE UPDATE OR DELETE ON node
     FOR EACH ROW EXECUTE FUNCTION gencaster_node_guard()`,
    // Edges run from an OUTPUT door to an INPUT door of the same graph.
    `CREATE FUNCTION gencaster_edge_check() RETURNS trigger LANGUAGE plpgsql AS $$
     DECLARE
       out_type text; out_graph uuid; in_type text; in_graph uuid;
     BEGIN
       SELECT d.door_type, n.graph_uuid INTO out_type, out_graph
         FROM node_door d JOIN node n ON n.uuid = d.node_uuid WHERE d.uuid = NEW.out_node_door_uuid;
       SELECT d.door_type, n.graph_uuid INTO in_type, in_graph
         FROM node_door d JOIN node n ON n.uuid = d.node_uuid WHERE d.uuid = NEW.in_node_door_uuid;
       IF out_type IS NULL OR in_type IS NULL THEN
         RETURN NEW; -- the foreign keys report the missing door
       END IF;
       IF out_type <> 'output' OR in_type <> 'input' THEN
         RAISE EXCEPTION 'an edge must lead from an output door to an input door'
           USING ERRCODE = 'check_violation', CONSTRAINT = 'edge_output_to_input';
       END IF;
       IF out_graph <> in_graph THEN
         RAISE EXCEPTION 'an edge must stay within one graph'
           USING ERRCODE = 'check_violation', CONSTRAINT = 'edge_same_graph';
       END IF;
       RETURN NEW;
     END $$`,
    `CREATE TRIGGER edge_check BEFORE INSERT OR UPDATE ON edge
     FOR EACH ROW EXECUTE FUNCTION gencaster_edge_check()`,
    // A door with edges keeps its type and node, so existing edges stay valid.
    `CREATE FUNCTION gencaster_node_door_guard() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF NEW.node_uuid <> OLD.node_uuid THEN
         RAISE EXCEPTION 'a door cannot move to another node' USING ERRCODE = 'check_violation';
       END IF;
       IF NEW.door_type <> OLD.door_type AND EXISTS (
         SELECT 1 FROM edge WHERE out_node_door_uuid = OLD.uuid OR in_node_door_uuid = OLD.uuid) THEN
         RAISE EXCEPTION 'the type of a connected door cannot change'
           USING ERRCODE = 'check_violation', CONSTRAINT = 'edge_output_to_input';
       END IF;
       RETURN NEW;
     END $$`,
    `CREATE TRIGGER node_door_guard BEFORE UPDATE ON node_door
     FOR EACH ROW EXECUTE FUNCTION gencaster_node_door_guard()`,
    // An audio cell belongs to its script cell and goes away with it.
    `CREATE FUNCTION gencaster_script_cell_audio_cleanup() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF OLD.audio_cell_uuid IS NOT NULL AND (TG_OP = 'DELETE'
           OR NEW.audio_cell_uuid IS DISTINCT FROM OLD.audio_cell_uuid) THEN
         DELETE FROM audio_cell WHERE uuid = OLD.audio_cell_uuid;
       END IF;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER script_cell_audio_cleanup AFTER UPDATE OR DELETE ON script_cell
     FOR EACH ROW EXECUTE FUNCTION gencaster_script_cell_audio_cleanup()`,
  ];
}
