// Picks the next node: OUTPUT doors in order (non-default by order then name, default last), the
// first whose condition is exactly true wins; then a random edge of that door, as in the original.
import type { PlaceTrigger } from '@gencaster/domain';
import type { PlaceRuntime } from '../places/place-runtime.ts';
import { isTriggerOpen, nextDwellDeadline } from '../places/place-triggers.ts';
import type { ScriptCapabilities } from '../sandbox/sandbox-types.ts';
import { doorLanguage } from './door-language.ts';
import type { EngineDoor, EngineEdge, EnginePorts } from './engine-types.ts';

/** Context of {@link chooseNextNode}. */
export interface ChooseContext {
  ports: EnginePorts;
  capabilities: ScriptCapabilities;
  signal: AbortSignal;
  /** The listener's places, when the graph has any (issue 19). */
  places?: {
    runtime: PlaceRuntime;
    /** When the listener entered the node being left (ENTER/LEAVE count from then). */
    nodeEnteredMs: number;
    /** Code doors of a waiting node run at most this often (ms). */
    codeRecheckMs: number;
    /** Called once when the walk starts to wait for a place. */
    onWait?(): void;
  };
}

/** Evaluation order of doors: non-default first by `order` then `name`, the default door last. */
export function sortDoors(doors: readonly EngineDoor[]): EngineDoor[] {
  return [...doors].sort((a, b) => {
    if (a.isDefault !== b.isDefault) return a.isDefault ? 1 : -1;
    if (a.order !== b.order) return a.order - b.order;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

async function isOpen(
  door: EngineDoor,
  variables: Record<string, string>,
  context: ChooseContext,
): Promise<boolean> {
  const rule = doorLanguage(door.code);
  if ('constant' in rule) return rule.constant;
  const { ports } = context;
  const result = await ports.sandbox.run({
    language: rule.language,
    mode: 'condition',
    code: rule.code,
    variables,
    capabilities: context.capabilities,
    signal: context.signal,
  });
  if (!result.ok) {
    const where = result.error?.line ? ` (line ${result.error.line})` : '';
    ports.logger.log({
      level: 30,
      message: `door "${door.name}" skipped: condition failed${where}: ${result.error?.message ?? 'unknown error'}`,
      origin: 'graph_engine',
    });
    return false;
  }
  if (typeof result.value !== 'boolean') {
    ports.logger.log({
      level: 30,
      message: `door "${door.name}" skipped: condition returned ${JSON.stringify(result.value)}, not a boolean`,
      origin: 'graph_engine',
    });
    return false;
  }
  return result.value;
}

/** A place door is open when its trigger is, and its code (if any beyond `True`/empty) too. */
async function placeDoorOpen(
  door: EngineDoor,
  trigger: PlaceTrigger,
  variables: Record<string, string>,
  context: ChooseContext,
): Promise<boolean> {
  const places = context.places;
  if (!places) return false;
  if (!isTriggerOpen(door.uuid, trigger, places.runtime.context(places.nodeEnteredMs)))
    return false;
  const rule = doorLanguage(door.code);
  if (!('constant' in rule) && !(await isOpen(door, variables, context))) return false;
  await places.runtime.markUsed(door.uuid, trigger);
  return true;
}

/**
 * Waits at a node whose doors include place doors until one of them opens (checked after every
 * evaluated fix and when an INSIDE dwell falls due) or a non-default code door does (re-run at
 * most every `codeRecheckMs`). Null when the walk was aborted or the graph has no places.
 */
async function waitForPlaceDoor(
  ordered: readonly EngineDoor[],
  context: ChooseContext,
): Promise<EngineDoor | null> {
  const places = context.places;
  if (!places) {
    context.ports.logger.log({
      level: 30,
      message: 'a door has a place trigger but the graph has no places: its default door is taken',
      origin: 'graph_engine',
    });
    return null;
  }
  places.onWait?.();
  const { runtime } = places;
  const candidates = ordered.filter((door) => !door.isDefault);
  const triggered = candidates.flatMap((door) =>
    door.placeTrigger ? [{ uuid: door.uuid, trigger: door.placeTrigger }] : [],
  );
  const hasCode = candidates.some(
    (door) => !door.placeTrigger && !('constant' in doorLanguage(door.code)),
  );
  let lastCodeCheck = context.ports.clock.now();
  let variables: Record<string, string> = {};
  while (!context.signal.aborted) {
    const wake = new AbortController();
    const onAbort = () => wake.abort();
    context.signal.addEventListener('abort', onAbort, { once: true });
    const deadline = nextDwellDeadline(triggered, runtime.context(places.nodeEnteredMs));
    const waits: Promise<unknown>[] = [runtime.changed(wake.signal)];
    const now = context.ports.clock.now();
    if (deadline !== null)
      waits.push(context.ports.clock.sleep(deadline - now + 1, wake.signal).catch(() => undefined));
    if (hasCode)
      waits.push(
        context.ports.clock
          .sleep(Math.max(0, lastCodeCheck + places.codeRecheckMs - now), wake.signal)
          .catch(() => undefined),
      );
    await Promise.race(waits);
    wake.abort();
    context.signal.removeEventListener('abort', onAbort);
    if (context.signal.aborted) return null;
    const recheckCode =
      hasCode && context.ports.clock.now() - lastCodeCheck >= places.codeRecheckMs;
    if (
      recheckCode ||
      triggered.some(({ uuid }) => {
        const door = candidates.find((d) => d.uuid === uuid);
        return door !== undefined && !('constant' in doorLanguage(door.code));
      })
    )
      variables = await context.ports.variables.getAll();
    if (recheckCode) lastCodeCheck = context.ports.clock.now();
    for (const door of candidates) {
      if (context.signal.aborted) return null;
      if (door.placeTrigger) {
        if (await placeDoorOpen(door, door.placeTrigger, variables, context)) return door;
      } else if (recheckCode && (await isOpen(door, variables, context))) return door;
    }
  }
  return null;
}

/**
 * Returns the chosen door and edge, or null for a dead end. A chosen non-default door without
 * edges falls back to the default door (logged); a default door without edges is a dead end.
 * When no door is open and some door has a place trigger, the walk waits for a place door
 * (see `waitForPlaceDoor`) instead of taking the default door.
 */
export async function chooseNextNode(
  doors: readonly EngineDoor[],
  context: ChooseContext,
): Promise<{ door: EngineDoor; edge: EngineEdge } | null> {
  const ordered = sortDoors(doors);
  const fallback = ordered.find((door) => door.isDefault);
  const variables = ordered.some((door) => !('constant' in doorLanguage(door.code)))
    ? await context.ports.variables.getAll()
    : {};
  let chosen: EngineDoor | undefined;
  const placeDoors = ordered.some((door) => door.placeTrigger && !door.isDefault);
  for (const door of ordered) {
    if (context.signal.aborted) return null;
    // With place doors the default door is not taken while the walk can wait for a place.
    if (placeDoors && door.isDefault && context.places) continue;
    if (door.placeTrigger) {
      if (await placeDoorOpen(door, door.placeTrigger, variables, context)) {
        chosen = door;
        break;
      }
      continue;
    }
    if (await isOpen(door, variables, context)) {
      chosen = door;
      break;
    }
  }
  if (!chosen && placeDoors) {
    chosen = (await waitForPlaceDoor(ordered, context)) ?? undefined;
    if (context.signal.aborted) return null;
  }
  chosen ??= fallback;
  if (chosen && chosen.edges.length === 0 && fallback && chosen !== fallback) {
    context.ports.logger.log({
      level: 30,
      message: `door "${chosen.name}" has no edge; taking the default door`,
      origin: 'graph_engine',
    });
    chosen = fallback;
  }
  if (!chosen || chosen.edges.length === 0) return null;
  const edges = [...chosen.edges].sort((a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
  const index = Math.min(edges.length - 1, Math.floor(context.ports.random() * edges.length));
  const edge = edges[index];
  return edge ? { door: chosen, edge } : null;
}
