import { fileURLToPath } from 'node:url';

/** Absolute path of the committed `schema.graphql` at the repository root. */
export const schemaFilePath = fileURLToPath(new URL('../../../../schema.graphql', import.meta.url));
