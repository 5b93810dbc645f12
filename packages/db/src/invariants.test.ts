import { describeEachEngine } from '@gencaster/db/testing';
import { instructionStates, instructionTransitions } from '@gencaster/domain';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from './database.ts';

// Every invariant is checked with raw SQL that bypasses the repositories: the database itself
// must refuse the bad row (SQLSTATE 23505 unique, 23514 check/trigger).

async function one<T>(db: Database, text: string): Promise<T> {
  const result = await sql.raw<T>(text).execute(db.db);
  return result.rows[0] as T;
}

async function graphWithTwoNodes(db: Database, name: string) {
  const graph = await one<{ uuid: string }>(
    db,
    `insert into graph (name, display_name, slug_name) values ('${name}', '${name}', '${name}') returning uuid`,
  );
  const start = await one<{ uuid: string }>(
    db,
    `select uuid from node where graph_uuid = '${graph.uuid}'`,
  );
  const other = await one<{ uuid: string }>(
    db,
    `insert into node (graph_uuid, name) values ('${graph.uuid}', 'other') returning uuid`,
  );
  const door = (node: string, type: string) =>
    one<{ uuid: string }>(
      db,
      `select uuid from node_door where node_uuid = '${node}' and door_type = '${type}'`,
    );
  return {
    graph: graph.uuid,
    startOut: (await door(start.uuid, 'output')).uuid,
    startIn: (await door(start.uuid, 'input')).uuid,
    otherIn: (await door(other.uuid, 'input')).uuid,
    otherOut: (await door(other.uuid, 'output')).uuid,
    other: other.uuid,
    start: start.uuid,
  };
}

async function streamOnNewPoint(db: Database, port: number) {
  const point = await one<{ uuid: string }>(
    db,
    `insert into stream_point (host, port, last_live) values ('inv', ${port}, now()) returning uuid`,
  );
  const stream = await one<{ uuid: string }>(
    db,
    `insert into stream (stream_point_uuid) values ('${point.uuid}') returning uuid`,
  );
  return { point: point.uuid, stream: stream.uuid };
}

describeEachEngine('database invariants (raw SQL)', (getDb) => {
  const rejects = (text: string, code: string) =>
    expect(sql.raw(text).execute(getDb().db)).rejects.toMatchObject({ code });

  it('a new graph gets exactly one entry node "Start"; every node gets two default doors', async () => {
    const g = await graphWithTwoNodes(getDb(), 'inv-entry');
    const nodes = await sql
      .raw<{ name: string; is_entry_node: boolean }>(
        `select name, is_entry_node from node where graph_uuid = '${g.graph}' order by is_entry_node desc`,
      )
      .execute(getDb().db);
    expect(nodes.rows).toEqual([
      { name: 'Start', isEntryNode: true },
      { name: 'other', isEntryNode: false },
    ]);
    const doors = await one<{ n: number }>(
      getDb(),
      `select count(*)::int as n from node_door where node_uuid = '${g.other}' and is_default`,
    );
    expect(doors.n).toBe(2);
  });

  it('refuses duplicate (host, port) stream points', async () => {
    await sql.raw(`insert into stream_point (host, port) values ('dup', 1)`).execute(getDb().db);
    await rejects(`insert into stream_point (host, port) values ('dup', 1)`, '23505');
  });

  it('refuses a second active stream on one stream point, allows released ones', async () => {
    const { point } = await streamOnNewPoint(getDb(), 2);
    await rejects(`insert into stream (stream_point_uuid) values ('${point}')`, '23505');
    await sql
      .raw(
        `insert into stream (stream_point_uuid, active, ended_date) values ('${point}', false, now())`,
      )
      .execute(getDb().db);
    await rejects(
      `insert into stream (stream_point_uuid, active) values ('${point}', false)`,
      '23514',
    );
  });

  it('keeps listener counts non-negative and counts a double leave once', async () => {
    const { stream } = await streamOnNewPoint(getDb(), 3);
    await rejects(`update stream set num_listeners = -1 where uuid = '${stream}'`, '23514');
    await sql
      .raw(`insert into stream_listener (stream_uuid, listener_id) values ('${stream}', 'l1')`)
      .execute(getDb().db);
    await rejects(
      `insert into stream_listener (stream_uuid, listener_id) values ('${stream}', 'l1')`,
      '23505',
    );
    const count = () =>
      one<{ num_listeners: number }>(
        getDb(),
        `select num_listeners from stream where uuid = '${stream}'`,
      );
    expect(await count()).toEqual({ numListeners: 1 });
    const leave = `delete from stream_listener where stream_uuid = '${stream}' and listener_id = 'l1'`;
    await sql.raw(leave).execute(getDb().db);
    await sql.raw(leave).execute(getDb().db);
    expect(await count()).toEqual({ numListeners: 0 });
    await rejects(
      `update stream set num_listeners = num_listeners - 1 where uuid = '${stream}'`,
      '23514',
    );
  });

  it('refuses a second entry node and deleting the entry node', async () => {
    const g = await graphWithTwoNodes(getDb(), 'inv-two-entries');
    await rejects(
      `insert into node (graph_uuid, is_entry_node) values ('${g.graph}', true)`,
      '23505',
    );
    await rejects(`update node set is_entry_node = true where uuid = '${g.other}'`, '23505');
    await rejects(`delete from node where uuid = '${g.start}'`, '23514');
  });

  it('refuses a second default door per node and type', async () => {
    const g = await graphWithTwoNodes(getDb(), 'inv-doors');
    await rejects(
      `insert into node_door (node_uuid, door_type, name, is_default) values ('${g.other}', 'output', 'x', true)`,
      '23505',
    );
    await sql
      .raw(
        `insert into node_door (node_uuid, door_type, name) values ('${g.other}', 'output', 'extra')`,
      )
      .execute(getDb().db);
  });

  it('refuses duplicate edges, wrong door types and edges across graphs', async () => {
    const g = await graphWithTwoNodes(getDb(), 'inv-edges');
    const h = await graphWithTwoNodes(getDb(), 'inv-edges-other');
    const edge = (out: string, into: string) =>
      `insert into edge (out_node_door_uuid, in_node_door_uuid) values ('${out}', '${into}')`;
    await sql.raw(edge(g.startOut, g.otherIn)).execute(getDb().db);
    await rejects(edge(g.startOut, g.otherIn), '23505');
    await rejects(edge(g.otherIn, g.startOut), '23514'); // input → output
    await rejects(edge(g.startOut, g.otherOut), '23514'); // output → output
    await rejects(edge(g.startIn, g.otherIn), '23514'); // input → input
    await rejects(edge(g.otherOut, h.otherIn), '23514'); // across graphs
    await sql.raw(edge(g.otherOut, g.otherIn)).execute(getDb().db); // self-loops are allowed
    await rejects(`update node_door set door_type = 'input' where uuid = '${g.startOut}'`, '23514');
  });

  it('refuses an AUDIO script cell without audio cell', async () => {
    const g = await graphWithTwoNodes(getDb(), 'inv-audio');
    await rejects(
      `insert into script_cell (node_uuid, cell_type, cell_code) values ('${g.other}', 'audio', '')`,
      '23514',
    );
    await rejects(
      `insert into script_cell (node_uuid, cell_type, cell_code) values ('${g.other}', 'lua', '')`,
      '23514',
    );
  });

  it('refuses duplicate (stream, key) variables', async () => {
    const { stream } = await streamOnNewPoint(getDb(), 4);
    await sql
      .raw(`insert into stream_variable (stream_uuid, key) values ('${stream}', 'k')`)
      .execute(getDb().db);
    await rejects(
      `insert into stream_variable (stream_uuid, key) values ('${stream}', 'k')`,
      '23505',
    );
    await rejects(
      `insert into stream_variable (stream_uuid, key) values ('${stream}', '')`,
      '23514',
    );
  });

  it('refuses duplicate graph names and slugs, and malformed slugs', async () => {
    const insert = (name: string, slug: string) =>
      `insert into graph (name, display_name, slug_name) values ('${name}', 'd', '${slug}')`;
    await sql.raw(insert('inv-unique', 'inv-unique')).execute(getDb().db);
    await rejects(insert('inv-unique', 'inv-unique-2'), '23505');
    await rejects(insert('inv-unique-3', 'inv-unique'), '23505');
    await rejects(insert('inv-unique-4', 'Bad Slug'), '23514');
  });

  it('refuses illegal instruction state changes', async () => {
    const { point } = await streamOnNewPoint(getDb(), 5);
    const instruction = await one<{ uuid: string }>(
      getDb(),
      `insert into stream_instruction (stream_point_uuid, instruction_text) values ('${point}', 'x') returning uuid`,
    );
    const setState = (state: string) =>
      `update stream_instruction set state = '${state}' where uuid = '${instruction.uuid}'`;
    await rejects(setState('RECEIVED'), '23514'); // UNACKNOWLEDGED → RECEIVED skips SENT
    await sql.raw(setState('SENT')).execute(getDb().db);
    await sql.raw(setState('FINISHED')).execute(getDb().db);
    await rejects(setState('RECEIVED'), '23514'); // a late ack cannot move it back
    await rejects(setState('UNKNOWN'), '23514');
    await sql
      .raw(`update stream_instruction set return_value = 'r' where uuid = '${instruction.uuid}'`)
      .execute(getDb().db);
  });

  it('the database transition guard matches the domain table for all 49 state pairs', async () => {
    const mismatches: string[] = [];
    for (const from of instructionStates) {
      for (const to of instructionStates) {
        if (from === to) continue;
        const row = await one<{ uuid: string }>(
          getDb(),
          `insert into stream_instruction (instruction_text, state) values ('x', '${from}') returning uuid`,
        );
        const allowed = await sql
          .raw(`update stream_instruction set state = '${to}' where uuid = '${row.uuid}'`)
          .execute(getDb().db)
          .then(
            () => true,
            () => false,
          );
        if (allowed !== instructionTransitions[from].includes(to))
          mismatches.push(`${from} → ${to}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('deletes a graph with everything in it', async () => {
    const g = await graphWithTwoNodes(getDb(), 'inv-cascade');
    await sql.raw(`delete from graph where uuid = '${g.graph}'`).execute(getDb().db);
    const left = await one<{ n: number }>(
      getDb(),
      `select count(*)::int as n from node where graph_uuid = '${g.graph}'`,
    );
    expect(left.n).toBe(0);
  });
});
