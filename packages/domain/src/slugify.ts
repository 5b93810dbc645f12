/**
 * Turns a name into a URL slug: lower-case ASCII letters, digits and single dashes, without leading
 * or trailing dashes (the original editor left them). Accents are stripped ("Über" → "uber").
 * Returns '' when nothing usable remains; callers decide on a fallback.
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

/** The shape every slug must have: what {@link slugify} produces. */
export const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
