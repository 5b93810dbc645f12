import { computed, onScopeDispose, reactive, ref, watch, type Ref } from 'vue';
import {
  CreateNodeDoorDocument,
  CreateScriptCellsDocument,
  DeleteNodeDoorDocument,
  DeleteScriptCellDocument,
  NodeStateDocument,
  NodeUpdatesDocument,
  UpdateNodeDocument,
  UpdateNodeDoorDocument,
  UpdateScriptCellsDocument,
  type CellType,
  type NodeUpdatesSubscription,
  type ScriptCellInputUpdate,
} from '../graphql/generated/graphql.ts';
import { GraphQLRequestError, errorMessage } from '@gencaster/web';
import { request, subscribe } from '../graphql/client.ts';
import {
  acceptTheirsAsBase,
  changesOf,
  clearDraft,
  isDirty,
  reconcile,
  recordEdit,
  takeTheirs,
  type Conflict,
  type Draft,
} from '../lib/draft.ts';
import { locateError, locationFromDetails, type CodeLocation } from '../lib/error-location.ts';
import { cellRecord, doorRecord, nodeRecords } from '../lib/node-records.ts';

/** A node with its cells, as the node subscription delivers it. */
export type EditedNode = NodeUpdatesSubscription['node'];

/**
 * Everything the node drawer edits: the live node (subscription), unsaved edits of cells and
 * doors, conflicts with other editors, validation errors per cell/door, and save/discard.
 */
export function useNodeEditor(nodeUuid: Ref<string>) {
  const node = ref<EditedNode | null>(null);
  const draft = reactive<Draft>({});
  const conflicts = ref<Conflict[]>([]);
  const errors = reactive<Record<string, CodeLocation>>({});
  const saveError = ref<string | null>(null);
  const saving = ref(false);
  const dirty = computed(() => isDirty(draft));
  let stop: (() => void) | undefined;

  function receive(fresh: EditedNode): void {
    node.value = fresh;
    const result = reconcile(draft, nodeRecords(fresh));
    conflicts.value = result.conflicts;
  }

  watch(
    nodeUuid,
    (uuid) => {
      stop?.();
      node.value = null;
      clearDraft(draft);
      conflicts.value = [];
      stop = subscribe(
        NodeUpdatesDocument,
        { nodeUuid: uuid },
        {
          next: (data) => receive(data.node),
          error: (failure) => {
            saveError.value = failure.message;
          },
        },
      );
    },
    { immediate: true },
  );
  onScopeDispose(() => stop?.());

  const cells = computed(() =>
    [...(node.value?.scriptCells ?? [])].sort((a, b) => a.cellOrder - b.cellOrder),
  );
  const doors = computed(() => node.value?.outNodeDoors ?? []);
  /** Entrances (INPUT doors): the default one and any extra ones edges can end at. */
  const inDoors = computed(() => node.value?.inNodeDoors ?? []);
  const findDoor = (uuid: string) =>
    node.value?.outNodeDoors.find((candidate) => candidate.uuid === uuid) ??
    node.value?.inNodeDoors.find((candidate) => candidate.uuid === uuid);

  /** The value of a cell/door field with our unsaved edit applied. */
  function value(id: string, field: string, serverValue: unknown): unknown {
    const edit = draft[id]?.[field];
    return edit ? edit.mine : serverValue;
  }

  function editCell(uuid: string, field: string, next: unknown): void {
    const cell = node.value?.scriptCells.find((candidate) => candidate.uuid === uuid);
    if (!cell) return;
    recordEdit(draft, uuid, field, next, cellRecord(cell)[field]);
    delete errors[uuid];
  }

  function editDoor(uuid: string, field: string, next: unknown): void {
    const door = findDoor(uuid);
    if (!door) return;
    recordEdit(draft, uuid, field, next, doorRecord(door)[field]);
    delete errors[uuid];
  }

  /** Saves every edit. With `force`, conflicting fields overwrite the other editor's values. */
  async function save(force = false): Promise<boolean> {
    const current = node.value;
    if (!current) return false;
    saving.value = true;
    saveError.value = null;
    try {
      const fresh = (await request(NodeStateDocument, { pk: current.uuid })).node;
      receive(fresh);
      if (conflicts.value.length > 0) {
        if (!force) return false;
        acceptTheirsAsBase(draft, conflicts.value);
        conflicts.value = [];
      }
      const cellUpdates: ScriptCellInputUpdate[] = [];
      for (const cell of fresh.scriptCells) {
        const changes = changesOf(draft, cell.uuid);
        if (Object.keys(changes).length === 0) continue;
        const merged = { ...cellRecord(cell), ...changes };
        const update: ScriptCellInputUpdate = { uuid: cell.uuid, cellCode: merged.cellCode };
        if (cell.audioCell && merged.audioFileUuid) {
          update.audioCell = {
            uuid: cell.audioCell.uuid,
            playback: merged.playback as 'SYNC_PLAYBACK' | 'ASYNC_PLAYBACK',
            volume: Number(merged.volume),
            audioFile: { uuid: merged.audioFileUuid },
          };
        }
        cellUpdates.push(update);
      }
      let ok = true;
      if (cellUpdates.length > 0) {
        try {
          await request(UpdateScriptCellsDocument, { scriptCellInputs: cellUpdates });
          for (const update of cellUpdates) delete draft[update.uuid];
        } catch (failure) {
          ok = false;
          recordCellError(failure, cellUpdates);
        }
      }
      for (const door of [...fresh.outNodeDoors, ...fresh.inNodeDoors]) {
        const changes = changesOf(draft, door.uuid);
        if (Object.keys(changes).length === 0) continue;
        const merged = { ...doorRecord(door), ...changes };
        const result = (
          await request(UpdateNodeDoorDocument, {
            nodeDoorInput: {
              uuid: door.uuid,
              doorType: door.doorType,
              name: merged.name,
              code: merged.code,
              order: merged.order,
              // Sent only when edited: absent keeps the stored trigger, null removes it.
              ...('placeTrigger' in changes ? { placeTrigger: merged.placeTrigger } : {}),
            },
          })
        ).updateNodeDoor;
        if (result.__typename === 'InvalidPythonCode') {
          ok = false;
          errors[door.uuid] = locateError({
            message: `${result.errorType}${result.errorCode ? `: ${result.errorCode}` : ''}`,
            line: result.line,
            column: result.column,
            listing: result.errorMessage,
          }) ?? { line: 1, column: 1, message: result.errorType };
        } else {
          delete draft[door.uuid];
        }
      }
      return ok;
    } catch (failure) {
      saveError.value = errorMessage(failure);
      return false;
    } finally {
      saving.value = false;
    }
  }

  function recordCellError(failure: unknown, updates: ScriptCellInputUpdate[]): void {
    if (!(failure instanceof GraphQLRequestError)) {
      saveError.value = errorMessage(failure);
      return;
    }
    for (const serverError of failure.errors) {
      const details = serverError.extensions?.details as Record<string, unknown> | undefined;
      const cellUuid =
        typeof details?.cellUuid === 'string'
          ? details.cellUuid
          : updates.length === 1
            ? updates[0]?.uuid
            : undefined;
      const location = locationFromDetails(serverError.message, details);
      if (cellUuid && location) errors[cellUuid] = location;
      else saveError.value = serverError.message;
    }
  }

  function discard(): void {
    clearDraft(draft);
    conflicts.value = [];
    for (const id of Object.keys(errors)) delete errors[id];
  }

  /** Keeps our values for the conflicting fields; the next save overwrites theirs. */
  function keepMine(): void {
    acceptTheirsAsBase(draft, conflicts.value);
    conflicts.value = [];
  }

  /** Drops our values for the conflicting fields. */
  function acceptTheirs(): void {
    takeTheirs(draft, conflicts.value);
    conflicts.value = [];
  }

  async function run(action: () => Promise<unknown>): Promise<string | undefined> {
    try {
      await action();
      return undefined;
    } catch (failure) {
      return errorMessage(failure);
    }
  }

  const uuid = () => node.value?.uuid ?? nodeUuid.value;

  return {
    node,
    cells,
    doors,
    inDoors,
    draft,
    dirty,
    conflicts,
    errors,
    saveError,
    saving,
    value,
    editCell,
    editDoor,
    save,
    discard,
    keepMine,
    acceptTheirs,
    rename: (name: string) =>
      run(() => request(UpdateNodeDocument, { nodeUpdate: { uuid: uuid(), name } })),
    setBlocking: (isBlockingNode: boolean) =>
      run(() => request(UpdateNodeDocument, { nodeUpdate: { uuid: uuid(), isBlockingNode } })),
    addCell: (cellType: CellType, audioFileUuid?: string) =>
      run(() =>
        request(CreateScriptCellsDocument, {
          nodeUuid: uuid(),
          scriptCellInputs: [
            {
              cellType,
              cellCode: '',
              cellOrder: (cells.value.at(-1)?.cellOrder ?? -1) + 1,
              audioCell: audioFileUuid
                ? { playback: 'ASYNC_PLAYBACK', volume: 0.5, audioFile: { uuid: audioFileUuid } }
                : null,
            },
          ],
        }),
      ),
    deleteCell: (cellUuid: string) =>
      run(() => request(DeleteScriptCellDocument, { scriptCellUuid: cellUuid })),
    reorderCells: (orderedUuids: string[]) =>
      run(() =>
        request(UpdateScriptCellsDocument, {
          scriptCellInputs: orderedUuids.map((cellUuid, index) => ({
            uuid: cellUuid,
            cellOrder: index,
          })),
        }),
      ),
    addDoor: (name: string, code: string, doorType: 'INPUT' | 'OUTPUT' = 'OUTPUT') =>
      run(() =>
        request(CreateNodeDoorDocument, {
          nodeUuid: uuid(),
          nodeDoorInput: {
            doorType,
            name,
            code,
            order:
              Math.max(
                0,
                ...(doorType === 'OUTPUT' ? doors.value : inDoors.value).map((door) => door.order),
              ) + 1,
          },
        }),
      ),
    deleteDoor: (doorUuid: string) =>
      run(() => request(DeleteNodeDoorDocument, { nodeDoorUuid: doorUuid })),
  };
}
