// When a door's place trigger opens (issue 19), pure: the tracker's state in, a decision out.
import type { PlaceTrigger } from '@gencaster/domain';
import type { PlaceReading, PlaceWalkState } from './place-tracker.ts';

/** What the trigger logic looks at. */
export interface TriggerContext {
  state: PlaceWalkState;
  readings: readonly PlaceReading[];
  /** When the listener entered the node whose doors are decided (ENTER/LEAVE since then count). */
  nodeEnteredMs: number;
  nowMs: number;
}

function visitNumber(state: PlaceWalkState, name: string): number {
  return state.visits[name] ?? 0;
}

/**
 * True when `trigger` of door `doorUuid` is open now:
 * - `enter` / `leave`: the listener entered / left the place since entering the node;
 * - `inside`: the listener is in the place and has been for `dwellSeconds`;
 * - `nearest`: the first place is strictly nearer than every other listed place (0 inside).
 * `once` doors open a single time per listener; `every_visit` doors once per visit of their place
 * (`nearest` every_visit doors whenever the condition holds).
 */
export function isTriggerOpen(
  doorUuid: string,
  trigger: PlaceTrigger,
  context: TriggerContext,
): boolean {
  const { state } = context;
  const name = trigger.placeNames[0];
  if (name === undefined) return false;
  const used = state.used[doorUuid];
  if (trigger.repeat === 'once' && used !== undefined) return false;
  if (
    trigger.repeat === 'every_visit' &&
    trigger.kind !== 'nearest' &&
    used === visitNumber(state, name)
  )
    return false;
  switch (trigger.kind) {
    case 'enter':
      return (state.lastEnterMs[name] ?? -Infinity) >= context.nodeEnteredMs;
    case 'leave':
      return (state.lastLeaveMs[name] ?? -Infinity) >= context.nodeEnteredMs;
    case 'inside': {
      const since = state.inside[name];
      return since !== undefined && context.nowMs - since >= trigger.dwellSeconds * 1000;
    }
    case 'nearest': {
      const byName = new Map(context.readings.map((r) => [r.name, r.distanceM]));
      const own = byName.get(name);
      if (own === undefined) return false;
      return trigger.placeNames
        .slice(1)
        .every((other) => own < (byName.get(other) ?? Number.POSITIVE_INFINITY));
    }
  }
}

/** Records that door `doorUuid` was taken by its trigger (for `once` / `every_visit`). */
export function markTriggerUsed(
  doorUuid: string,
  trigger: PlaceTrigger,
  state: PlaceWalkState,
): void {
  const name = trigger.placeNames[0] ?? '';
  state.used[doorUuid] = visitNumber(state, name);
}

/**
 * The earliest time (ms) at which an `inside` trigger of these doors opens by dwell alone, so a
 * waiting walk can wake without a new fix; null when none is pending.
 */
export function nextDwellDeadline(
  doors: readonly { uuid: string; trigger: PlaceTrigger }[],
  context: TriggerContext,
): number | null {
  let best: number | null = null;
  for (const { uuid, trigger } of doors) {
    if (trigger.kind !== 'inside') continue;
    const name = trigger.placeNames[0] ?? '';
    const since = context.state.inside[name];
    if (since === undefined) continue;
    if (trigger.repeat === 'once' && context.state.used[uuid] !== undefined) continue;
    if (
      trigger.repeat === 'every_visit' &&
      context.state.used[uuid] === visitNumber(context.state, name)
    )
      continue;
    const at = since + trigger.dwellSeconds * 1000;
    if (at > context.nowMs && (best === null || at < best)) best = at;
  }
  return best;
}
