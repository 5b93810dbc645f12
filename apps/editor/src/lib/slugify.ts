/**
 * Turns a graph name into its URL slug: lower-case ASCII letters, digits and single dashes, with
 * no dash at either end (the original editor left them: "-my-graph-"). Accents are dropped
 * ("Über" → "uber"). Returns '' when nothing usable remains, so the form can ask for a slug.
 */
export function slugify(name: string, maxLength = 256): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '');
}

/** What a valid slug looks like (the server checks the same shape). */
export const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Why a slug is not acceptable, or undefined when it is. */
export function slugProblem(slug: string): string | undefined {
  if (slug === '') return 'The slug must not be empty.';
  if (slug.length > 256) return 'The slug must be at most 256 characters long.';
  if (!slugPattern.test(slug))
    return 'Use lower-case letters, digits and single dashes only (e.g. "my-story").';
  return undefined;
}
