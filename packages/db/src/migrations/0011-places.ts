// Places (issue 19): named circles and polygons of a graph, place triggers on doors and the graph's
// choice to show places to listeners. A shape is stored as the JSON the domain checked
// (`checkPlaceShape`); a trigger as the JSON of a `PlaceTrigger`, naming places of the door's graph
// by name (the repositories keep the names in step when a place is renamed).

/** Statements of migration 0011. */
export const places: readonly string[] = [
  `CREATE TABLE place (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    created_date timestamptz NOT NULL DEFAULT now(),
    modified_date timestamptz NOT NULL DEFAULT now(),
    graph_uuid uuid NOT NULL REFERENCES graph(uuid) ON DELETE CASCADE,
    name varchar(48) NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,47}$'),
    shape text NOT NULL CHECK (length(shape) <= 100000),
    show_to_listeners boolean NOT NULL DEFAULT false,
    CONSTRAINT place_name_unique UNIQUE (graph_uuid, name)
  )`,
  `CREATE TRIGGER place_modified_date BEFORE UPDATE ON place
   FOR EACH ROW EXECUTE FUNCTION gencaster_set_modified_date()`,
  `ALTER TABLE node_door ADD COLUMN place_trigger text CHECK (length(place_trigger) <= 10000)`,
  `ALTER TABLE graph ADD COLUMN show_places_to_listeners boolean NOT NULL DEFAULT false`,
];
