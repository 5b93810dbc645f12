import { slugPattern } from '@gencaster/domain';

/** Why a slug is not acceptable (the form's words for what the server checks), or undefined. */
export function slugProblem(slug: string): string | undefined {
  if (slug === '') return 'The slug must not be empty.';
  if (slug.length > 256) return 'The slug must be at most 256 characters long.';
  if (!slugPattern.test(slug))
    return 'Use lower-case letters, digits and single dashes only (e.g. "my-story").';
  return undefined;
}
