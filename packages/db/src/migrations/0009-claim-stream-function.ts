// Stream assignment as a stored function: the same one statement the repository sent before
// (see repositories/stream-claim.ts), but PL/pgSQL keeps its plan per connection. Planning that
// statement cost more than running it (1.3–1.5 ms against 0.8 ms on PostgreSQL), so 1000
// concurrent assignments spent most of their time planning the same query again. Semantics are
// unchanged: one statement, FOR UPDATE SKIP LOCKED claim, the partial unique indexes and the
// counting trigger; `#variable_conflict use_column` because the result columns share names
// with table columns.

/** Statements of migration 0009. */
export const claimStreamFunction: readonly string[] = [
  `CREATE FUNCTION gencaster_claim_stream(p_graph uuid, p_listener varchar, p_since timestamptz)
  RETURNS TABLE (
    policy text, stale_uuid uuid, had_point boolean, any_free boolean,
    uuid uuid, created_date timestamptz, modified_date timestamptz, stream_point_uuid uuid,
    graph_uuid uuid, num_listeners integer, active boolean, shared boolean,
    ended_date timestamptz,
    point_uuid uuid, point_created_date timestamptz, point_modified_date timestamptz,
    point_host text, point_port integer, point_use_input boolean, point_janus_in_port integer,
    point_janus_out_port integer, point_janus_in_room integer, point_janus_out_room integer,
    point_janus_public_ip text, point_janus_http_url text, point_sc_name text,
    point_last_live timestamptz, point_boot_id text
  ) LANGUAGE plpgsql AS $$
  #variable_conflict use_column
  BEGIN
    RETURN QUERY
        with g as (
          select graph.uuid, graph.stream_assignment_policy as policy from graph where graph.uuid = p_graph
        ),
        shared_current as (
          select s.* from stream s join stream_point p on p.uuid = s.stream_point_uuid, g
          where g.policy = 'one_graph_one_stream' and s.graph_uuid = g.uuid
            and s.active and s.shared and p.last_live > p_since
          limit 1
          for update of s
        ),
        stale_shared as (
          select s.uuid from stream s join stream_point p on p.uuid = s.stream_point_uuid, g
          where g.policy = 'one_graph_one_stream' and s.graph_uuid = g.uuid
            and s.active and s.shared and (p.last_live is null or p.last_live <= p_since)
          limit 1
        ),
        candidates as (
          select p.* from stream_point p, g
          where g.policy in ('one_user_one_stream', 'one_graph_one_stream')
            and not exists (select 1 from shared_current)
            and not exists (select 1 from stale_shared)
            and p.last_live > p_since
            and not exists (
              select 1 from stream s where s.stream_point_uuid = p.uuid and s.active
            )
        ),
        free_point as (
          select p.uuid from stream_point p
          where p.uuid in (select candidates.uuid from candidates)
          order by p.last_live desc, p.host, p.port
          limit 1
          for update of p skip locked
        ),
        created as (
          insert into stream (stream_point_uuid, graph_uuid, shared)
          select f.uuid, g.uuid, g.policy = 'one_graph_one_stream' from free_point f, g
          on conflict do nothing
          returning *
        ),
        target as (
          select * from created
          union all
          select * from shared_current
        ),
        counted as (
          insert into stream_listener (stream_uuid, listener_id)
          select target.uuid, p_listener from target
          on conflict do nothing
          returning stream_uuid
        )
        select
          g.policy::text,
          (select stale_shared.uuid from stale_shared),
          exists (select 1 from free_point),
          -- free points that concurrent claims hold locked: they may still be free, or hold our
          -- graph's new shared stream; the caller tries again instead of reporting none
          exists (select 1 from candidates),
          t.uuid, t.created_date, t.modified_date, t.stream_point_uuid, t.graph_uuid,
          -- the counting trigger runs after this statement: add this listener if it was counted
          t.num_listeners + (select count(*) from counted)::int,
          t.active, t.shared, t.ended_date,
          p.uuid, p.created_date, p.modified_date, p.host::text, p.port, p.use_input,
          p.janus_in_port, p.janus_out_port, p.janus_in_room, p.janus_out_room,
          p.janus_public_ip::text, p.janus_http_url::text, p.sc_name::text, p.last_live,
          p.boot_id::text
        from g left join target t on true
        left join stream_point p on p.uuid = t.stream_point_uuid;
  END $$`,
];
