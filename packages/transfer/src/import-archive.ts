import { createHash } from 'node:crypto';
import {
  insertGraphTree,
  insertImportedAudioFile,
  withTransaction,
  type GraphTree,
} from '@gencaster/db';
import { checkPlaceShape, GencasterError, isGencasterError } from '@gencaster/domain';
import {
  graphArchiveFormat,
  graphArchiveSchema,
  graphArchiveVersion,
  graphArchiveVersions,
  type GraphArchive,
} from './archive-schema.ts';
import { chooseImportName, renamedDisplayName } from './graph-name.ts';
import { createStoredAudioBatch } from './stored-audio.ts';
import type { ImportReport, TransferEnvironment } from './transfer-types.ts';

function invalid(message: string, issues?: { path: string; message: string }[]): GencasterError {
  return new GencasterError('INVALID_INPUT', message, issues ? { details: { issues } } : {});
}

/**
 * Validates a parsed archive: format and version first (an unknown version gets its own clear
 * error), then the zod schema, then the references (unique ids, edges from an output to an input
 * door, known audio files, one entry node, checksums). INVALID_INPUT with `details.issues`.
 */
export function parseGraphArchive(input: unknown): GraphArchive {
  const head = (typeof input === 'object' && input !== null ? input : {}) as Record<
    string,
    unknown
  >;
  if (head.format !== graphArchiveFormat) {
    throw invalid(`not a Gencaster graph archive (format must be "${graphArchiveFormat}")`);
  }
  if (typeof head.version !== 'number' || !graphArchiveVersions.includes(head.version)) {
    throw invalid(
      `unsupported graph archive version ${JSON.stringify(head.version)}: this Gencaster reads versions ${graphArchiveVersions.join(', ')} (writes ${graphArchiveVersion})`,
    );
  }
  const parsed = graphArchiveSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 20)
      .map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    throw invalid(
      `invalid graph archive: ${issues[0]?.path ?? ''} ${issues[0]?.message ?? ''}`,
      issues,
    );
  }
  const archive = parsed.data;
  const doorTypes = new Map<string, string>();
  for (const node of archive.nodes) {
    for (const door of node.doors) {
      if (doorTypes.has(door.id)) throw invalid(`door id "${door.id}" is used twice`);
      doorTypes.set(door.id, door.doorType);
    }
  }
  for (const edge of archive.edges) {
    if (doorTypes.get(edge.from) !== 'output' || doorTypes.get(edge.to) !== 'input') {
      throw invalid(
        `edge ${edge.from} → ${edge.to} must lead from an output door to an input door`,
      );
    }
  }
  const audio = new Set<string>();
  for (const file of archive.audioFiles) {
    if (audio.has(file.id)) throw invalid(`audio file id "${file.id}" is used twice`);
    audio.add(file.id);
    if ((file.data === null) !== (file.sha256 === null)) {
      throw invalid(`audio file "${file.name}": data and sha256 go together`);
    }
    if (file.data !== null) {
      const sum = createHash('sha256').update(Buffer.from(file.data, 'base64')).digest('hex');
      if (sum !== file.sha256) throw invalid(`audio file "${file.name}" is corrupted (checksum)`);
    }
  }
  for (const cell of archive.nodes.flatMap((n) => n.cells)) {
    if (cell.cellType === 'audio' && cell.audio === null) {
      throw invalid('an audio cell without audio settings');
    }
    if (cell.audio && !audio.has(cell.audio.audioFile)) {
      throw invalid(`a cell uses the unknown audio file "${cell.audio.audioFile}"`);
    }
  }
  if (archive.nodes.filter((n) => n.isEntryNode).length > 1) {
    throw invalid('the archive has more than one entry node');
  }
  const placeNames = new Set<string>();
  for (const place of archive.places) {
    if (placeNames.has(place.name)) throw invalid(`place "${place.name}" is named twice`);
    placeNames.add(place.name);
    try {
      place.shape = checkPlaceShape(place.shape);
    } catch (error) {
      if (isGencasterError(error, 'INVALID_INPUT'))
        throw invalid(`place "${place.name}": ${error.message}`);
      throw error;
    }
  }
  for (const door of archive.nodes.flatMap((n) => n.doors)) {
    for (const name of door.placeTrigger?.placeNames ?? []) {
      if (!placeNames.has(name))
        throw invalid(`door "${door.name}" is triggered by the unknown place "${name}"`);
    }
  }
  return archive;
}

/**
 * Imports a graph archive as a new graph: validates it ({@link parseGraphArchive}), re-imports
 * every audio file through the audio importer (decode-validated), then writes the audio rows and
 * the graph with fresh UUIDs in one transaction under a free name. On any failure nothing is left
 * behind: the transaction rolls back and the stored audio files are deleted again.
 */
export async function importGraphArchive(
  env: TransferEnvironment,
  input: unknown,
): Promise<ImportReport> {
  const archive = parseGraphArchive(input);
  const batch = createStoredAudioBatch(env);
  try {
    const storedById = new Map<string, { uuid: string; file: string | null }>();
    let missing = 0;
    for (const file of archive.audioFiles) {
      if (file.data === null) {
        missing += 1;
        continue;
      }
      try {
        storedById.set(file.id, await batch.store(Buffer.from(file.data, 'base64'), file.fileName));
      } catch (error) {
        if (error instanceof GencasterError && error.code === 'INVALID_INPUT') {
          throw invalid(`audio file "${file.name}" is not valid audio: ${error.message}`);
        }
        throw error;
      }
    }
    return await withTransaction(env.database, async (tx) => {
      const audioUuid = new Map<string, string>();
      for (const file of archive.audioFiles) {
        const stored = storedById.get(file.id);
        const uuid = await insertImportedAudioFile(tx, {
          ...(stored ? { uuid: stored.uuid } : {}),
          name: file.name,
          description: file.description,
          autoGenerated: file.autoGenerated,
          file: stored?.file ?? null,
        });
        audioUuid.set(file.id, uuid);
      }
      const names = await chooseImportName(tx, archive.graph.name, archive.graph.slugName);
      const tree: GraphTree = {
        graph: {
          ...archive.graph,
          ...names,
          displayName: renamedDisplayName(archive.graph, names.name),
        },
        nodes: archive.nodes.map((node) => ({
          ...node,
          doors: node.doors.map(({ id, ...door }) => ({ key: id, ...door })),
          cells: node.cells.map((cell) => ({
            cellType: cell.cellType,
            cellCode: cell.cellCode,
            cellOrder: cell.cellOrder,
            audio: cell.audio
              ? {
                  playback: cell.audio.playback,
                  volume: cell.audio.volume,
                  audioFileUuid: audioUuid.get(cell.audio.audioFile) ?? '',
                }
              : null,
          })),
        })),
        edges: archive.edges.map((edge) => ({ outDoorKey: edge.from, inDoorKey: edge.to })),
        places: archive.places,
      };
      const { graph, counts } = await insertGraphTree(tx, tree);
      const warnings =
        missing > 0
          ? [`${missing} audio file(s) had no data in the archive: imported without sound`]
          : [];
      return {
        format: 'gencaster-graph' as const,
        graphs: [
          {
            uuid: graph.uuid,
            name: graph.name,
            slugName: graph.slugName,
            originalName: archive.graph.name,
            ...counts,
          },
        ],
        audioFiles: { imported: storedById.size, missing },
        skipped: [],
        warnings,
      };
    });
  } catch (error) {
    await batch.discard();
    throw error;
  }
}
