// A tiny builder for in-memory graphs in tests and benchmarks.
import type { CellType } from '@gencaster/domain';
import type { EngineCell, EngineDoor } from '../engine/engine-types.ts';
import type { MemoryGraph } from './memory-ports.ts';

/** Builds a {@link MemoryGraph}: add nodes, cells, doors and edges by readable names. */
export function createGraphBuilder() {
  const graph: MemoryGraph = { entryNodeUuid: null, nodes: new Map() };
  let counter = 0;
  const id = (prefix: string): string => `${prefix}-${String(++counter).padStart(4, '0')}`;
  const builder = {
    graph,
    node(uuid: string, options: { entry?: boolean; blocking?: boolean } = {}) {
      graph.nodes.set(uuid, {
        node: { uuid, name: uuid, isBlockingNode: options.blocking ?? false },
        cells: [],
        outputDoors: [],
      });
      if (options.entry) graph.entryNodeUuid = uuid;
      builder.door(uuid, { name: 'default', isDefault: true, code: 'True' });
      return builder;
    },
    cell(nodeUuid: string, cellType: CellType, cellCode: string, extra: Partial<EngineCell> = {}) {
      graph.nodes.get(nodeUuid)?.cells.push({
        uuid: id('cell'),
        cellType,
        cellCode,
        cellOrder: 0,
        audioCell: null,
        ...extra,
      });
      return builder;
    },
    door(nodeUuid: string, door: Partial<EngineDoor> & { name: string }) {
      const entry = graph.nodes.get(nodeUuid);
      const existing = entry?.outputDoors.find((candidate) => candidate.name === door.name);
      if (existing) Object.assign(existing, door);
      else
        entry?.outputDoors.push({
          uuid: id('door'),
          order: 0,
          isDefault: false,
          code: 'True',
          edges: [],
          ...door,
        });
      return builder;
    },
    edge(fromNode: string, doorName: string, toNode: string) {
      const door = graph.nodes
        .get(fromNode)
        ?.outputDoors.find((candidate) => candidate.name === doorName);
      door?.edges.push({ uuid: id('edge'), inNodeUuid: toNode });
      return builder;
    },
  };
  return builder;
}
