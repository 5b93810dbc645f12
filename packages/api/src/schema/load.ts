import { GencasterError } from '@gencaster/domain';

/** Awaits a lookup and turns `undefined` into a NOT_FOUND error naming the entity. */
export async function loadOrThrow<T>(
  lookup: Promise<T | undefined>,
  what: string,
  uuid: string,
): Promise<T> {
  const value = await lookup;
  if (value === undefined) throw new GencasterError('NOT_FOUND', `${what} ${uuid} does not exist`);
  return value;
}
