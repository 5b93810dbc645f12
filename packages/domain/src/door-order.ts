/** The fields that decide the evaluation order of node doors. */
export interface DoorOrderKey {
  isDefault: boolean;
  order: number;
  name: string;
}

/**
 * Orders doors for evaluation: non-default doors first by `order`, then by `name`; the default door
 * last, as the original ordered NodeDoors. Stable for equal keys.
 */
export function compareDoors(a: DoorOrderKey, b: DoorOrderKey): number {
  if (a.isDefault !== b.isDefault) return a.isDefault ? 1 : -1;
  if (a.order !== b.order) return a.order - b.order;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Returns a new array of `doors` in evaluation order (see {@link compareDoors}). */
export function sortDoors<T extends DoorOrderKey>(doors: readonly T[]): T[] {
  return [...doors].sort(compareDoors);
}
