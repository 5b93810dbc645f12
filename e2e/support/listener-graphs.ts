import type { ListenerBackend } from './listener-backend.ts';

/** A cell of a test graph. */
export interface CellSpec {
  type: 'PYTHON' | 'JAVASCRIPT' | 'SUPERCOLLIDER' | 'MARKDOWN' | 'COMMENT';
  code: string;
}

/** A node of a test graph; the first node is the graph's entry node. */
export interface NodeSpec {
  name: string;
  cells: CellSpec[];
  /** Conditional OUTPUT doors, checked in order, each leading to a node by name. */
  doors?: { name: string; code: string; to: string }[];
  /** Where the default OUTPUT door leads (none: a dead end). */
  next?: string;
  /** A blocking node: the walk waits there until an editor releases it. */
  blocking?: boolean;
}

/** A whole test graph. */
export interface GraphSpec {
  name: string;
  slug: string;
  policy?: 'ONE_USER_ONE_STREAM' | 'ONE_GRAPH_ONE_STREAM';
  startText?: string;
  aboutText?: string;
  endText?: string;
  publicVisible?: boolean;
  /** How listeners buffer the stream (the API's default, INTERACTIVE, when absent). */
  latencyProfile?: 'INTERACTIVE' | 'ROBUST';
  nodes: NodeSpec[];
}

interface DoorRow {
  uuid: string;
  isDefault: boolean;
}
interface NodeRow {
  uuid: string;
  name: string;
  isEntryNode: boolean;
  inNodeDoors: DoorRow[];
  outNodeDoors: DoorRow[];
}

const nodesQuery = `query ($pk: ID!) { graph(pk: $pk) { nodes { uuid name isEntryNode
  inNodeDoors { uuid isDefault } outNodeDoors { uuid isDefault } } } }`;

/** Creates a graph through the editor GraphQL API (as an editor would) and returns its uuid. */
export async function createTestGraph(
  server: Pick<ListenerBackend, 'editor'>,
  spec: GraphSpec,
): Promise<string> {
  const { addGraph } = await server.editor<{ addGraph: { uuid: string } }>(
    'mutation ($input: AddGraphInput!) { addGraph(graphInput: $input) { uuid } }',
    {
      input: {
        name: spec.name,
        displayName: spec.name,
        slugName: spec.slug,
        startText: spec.startText ?? '',
        aboutText: spec.aboutText ?? '',
        endText: spec.endText ?? '',
        publicVisible: spec.publicVisible ?? true,
        streamAssignmentPolicy: spec.policy ?? 'ONE_USER_ONE_STREAM',
        ...(spec.latencyProfile ? { latencyProfile: spec.latencyProfile } : {}),
        templateName: 'DEFAULT',
      },
    },
  );
  const graphUuid = addGraph.uuid;
  for (const node of spec.nodes.slice(1)) {
    await server.editor('mutation ($node: NodeCreate!) { addNode(newNode: $node) }', {
      node: { graphUuid, name: node.name },
    });
  }
  const { graph } = await server.editor<{ graph: { nodes: NodeRow[] } }>(nodesQuery, {
    pk: graphUuid,
  });
  const rowOf = (name: string, index: number): NodeRow => {
    const row =
      index === 0
        ? graph.nodes.find((entry) => entry.isEntryNode)
        : graph.nodes.find((entry) => entry.name === name);
    if (!row) throw new Error(`node ${name} was not created`);
    return row;
  };
  const rows = new Map(spec.nodes.map((node, index) => [node.name, rowOf(node.name, index)]));
  const inDoor = (name: string): string => {
    const door = rows.get(name)?.inNodeDoors.find((entry) => entry.isDefault);
    if (!door) throw new Error(`node ${name} has no default input door`);
    return door.uuid;
  };
  const addEdge = (outDoor: string, to: string) =>
    server.editor('mutation ($edge: EdgeInput!) { addEdge(newEdge: $edge) { uuid } }', {
      edge: { nodeDoorOutUuid: outDoor, nodeDoorInUuid: inDoor(to) },
    });

  for (const node of spec.nodes) {
    const row = rows.get(node.name)!;
    if (node.blocking)
      await server.editor('mutation ($node: NodeUpdate!) { updateNode(nodeUpdate: $node) }', {
        node: { uuid: row.uuid, isBlockingNode: true },
      });
    if (node.cells.length > 0) {
      await server.editor(
        'mutation ($node: UUID!, $cells: [ScriptCellInputCreate!]!) { createScriptCells(nodeUuid: $node, scriptCellInputs: $cells) { uuid } }',
        {
          node: row.uuid,
          cells: node.cells.map((cell, order) => ({
            cellType: cell.type,
            cellCode: cell.code,
            cellOrder: order,
          })),
        },
      );
    }
    for (const [order, door] of (node.doors ?? []).entries()) {
      const { createNodeDoor } = await server.editor<{ createNodeDoor: { uuid: string } }>(
        'mutation ($node: UUID!, $door: NodeDoorInputCreate!) { createNodeDoor(nodeUuid: $node, nodeDoorInput: $door) { uuid } }',
        {
          node: row.uuid,
          door: { doorType: 'OUTPUT', name: door.name, order: order + 1, code: door.code },
        },
      );
      await addEdge(createNodeDoor.uuid, door.to);
    }
    if (node.next) {
      const defaultOut = row.outNodeDoors.find((door) => door.isDefault);
      if (!defaultOut) throw new Error(`node ${node.name} has no default output door`);
      await addEdge(defaultOut.uuid, node.next);
    }
  }
  return graphUuid;
}

/** SuperCollider code that plays a stereo sine on the stream point (an Ndef, so it replaces itself). */
export function sineCode(frequency: number, label: string): string {
  return `Ndef(\\listenerTone, { SinOsc.ar([${frequency}, ${frequency}]) * 0.2 }).play; "${label}".postln;`;
}
