// Picks the next node: OUTPUT doors in order (non-default by order then name, default last), the
// first whose condition is exactly true wins; then a random edge of that door (inventory §3.5).
import type { ScriptCapabilities } from '../sandbox/sandbox-types.ts';
import { doorLanguage } from './door-language.ts';
import type { EngineDoor, EngineEdge, EnginePorts } from './engine-types.ts';

/** Context of {@link chooseNextNode}. */
export interface ChooseContext {
  ports: EnginePorts;
  capabilities: ScriptCapabilities;
  signal: AbortSignal;
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

/**
 * Returns the chosen door and edge, or null for a dead end. A chosen non-default door without
 * edges falls back to the default door (logged); a default door without edges is a dead end.
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
  for (const door of ordered) {
    if (context.signal.aborted) return null;
    if (await isOpen(door, variables, context)) {
      chosen = door;
      break;
    }
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
