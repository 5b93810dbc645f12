import { GencasterError, isGencasterError } from '@gencaster/domain';
import * as repo from '@gencaster/db';
import type { Database } from '@gencaster/db';
import type { DataAccess } from './data-access.ts';
import {
  filteredAudioFiles,
  filteredGraphs,
  filteredLiveStreamPoints,
} from '../queries/filtered-lists.ts';
import {
  findAudioCell,
  findStreamLog,
  insertStoredAudioFile,
  listAllNodes,
  listCellsOfNode,
  listEdgesOfGraph,
} from '../queries/lookups.ts';

async function orUndefined<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (isGencasterError(error, 'NOT_FOUND') || isGencasterError(error, 'INVALID_INPUT'))
      return undefined;
    throw error;
  }
}

const sessionTtlMs = 14 * 24 * 3_600_000;

/** {@link DataAccess} on the `@gencaster/db` repositories (plus the API's own queries in `queries/`). */
export function createDbDataAccess(database: Database): DataAccess {
  const h = database;
  return {
    database: h,
    listGraphs: (filter, options) => filteredGraphs(h, filter, options),
    getGraph: (uuid) => orUndefined(repo.getGraph(h, uuid)),
    createGraph: (input) => repo.createGraph(h, input),
    updateGraph: (input) => repo.updateGraph(h, input),

    listNodes: () => listAllNodes(h),
    listNodesOfGraph: (graphUuid) => repo.listNodes(h, graphUuid),
    getNode: (uuid) => orUndefined(repo.getNode(h, uuid)),
    createNode: (input) => repo.createNode(h, input),
    updateNode: (input) => repo.updateNode(h, input),
    deleteNode: async (uuid) => {
      await repo.deleteNode(h, uuid);
    },

    listDoorsOfNode: (nodeUuid) => repo.listNodeDoors(h, nodeUuid),
    getDoor: (uuid) => orUndefined(repo.getNodeDoor(h, uuid)),
    createDoor: (input) => repo.createNodeDoor(h, input),
    updateDoor: (input) => repo.updateNodeDoor(h, input),
    deleteDoor: (uuid) => repo.deleteNodeDoor(h, uuid),

    listPlacesOfGraph: (graphUuid) => repo.listPlaces(h, graphUuid),
    getPlace: (uuid) => orUndefined(repo.getPlace(h, uuid)),
    createPlace: (input) => repo.createPlace(h, input),
    updatePlace: (input) => repo.updatePlace(h, input),
    deletePlace: (uuid) => repo.deletePlace(h, uuid),

    listEdgesOfGraph: (graphUuid) => listEdgesOfGraph(h, graphUuid),
    getEdge: (uuid) => orUndefined(repo.getEdge(h, uuid)),
    createEdge: (input) => repo.createEdge(h, input),
    deleteEdge: (uuid) => repo.deleteEdge(h, uuid),

    listCellsOfNode: (nodeUuid) => listCellsOfNode(h, nodeUuid),
    getCell: (uuid) => orUndefined(repo.getScriptCell(h, uuid)),
    createCells: (cells) => repo.createScriptCells(h, cells),
    updateCells: (cells) => repo.updateScriptCells(h, cells),
    deleteCell: (uuid) => repo.deleteScriptCell(h, uuid),
    getAudioCell: (uuid) => findAudioCell(h, uuid),

    listAudioFiles: (filter, page) => filteredAudioFiles(h, filter, page),
    getAudioFile: (uuid) => orUndefined(repo.getAudioFile(h, uuid)),
    createAudioFile: (input) => insertStoredAudioFile(h, input),
    updateAudioFile: (input) => repo.updateAudioFile(h, input),

    getStreamPoint: (uuid) => orUndefined(repo.getStreamPoint(h, uuid)),
    listLiveStreamPoints: (filter, liveWindowMs) =>
      filteredLiveStreamPoints(h, filter, liveWindowMs),
    getStream: (uuid) => orUndefined(repo.getStream(h, uuid)),
    listStreams: (limit) => repo.listStreams(h, { limit }),
    getStreamVariable: (uuid) => orUndefined(repo.getStreamVariable(h, uuid)),
    listStreamVariables: (streamUuid) => repo.listStreamVariables(h, streamUuid),
    upsertStreamVariables: (streamUuid, variables) =>
      repo.upsertStreamVariables(
        h,
        variables.map((variable) => ({ streamUuid, ...variable })),
      ),
    listStreamLogs: (filter) => repo.listStreamLogs(h, filter),
    getStreamLog: (uuid) => findStreamLog(h, uuid),

    verifyPassword: async (username, password) => {
      try {
        return (await repo.verifyUserCredentials(h, { username, password })) ?? null;
      } catch (error) {
        if (isGencasterError(error, 'INVALID_INPUT')) return null;
        throw error;
      }
    },
    getUser: (uuid) => orUndefined(repo.getUser(h, uuid)),
    createSession: async (userUuid) => {
      const created = await repo.createSession(h, {
        userUuid,
        kind: 'session',
        ttlMs: sessionTtlMs,
      });
      const expiresAt = created.session.expiresDate;
      if (expiresAt === null) throw new GencasterError('INTERNAL', 'a login session must expire');
      return { token: created.token, expiresAt };
    },
    userForToken: async (token) => {
      const resolved = await repo.resolveSession(h, token);
      return resolved ? { user: resolved.user, kind: resolved.session.kind } : null;
    },
    deleteSession: async (token) => {
      await repo.deleteSession(h, token);
    },
  };
}
