import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * The graphql-codegen setup both apps share: typed documents for `src/graphql/*.graphql` from the
 * API's printed schema (committed by packages/api at the repo root), into `src/graphql/generated/`,
 * with the fragments the toolkit reads (`packages/web/graphql/`).
 * Each app's `codegen.ts` exports it; paths are relative to the app (codegen runs there).
 */
export const appCodegenConfig: CodegenConfig = {
  schema: '../../schema.graphql',
  documents: ['src/graphql/*.graphql', '../../packages/web/graphql/*.graphql'],
  generates: {
    'src/graphql/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { UUID: 'string', DateTime: 'string', Upload: 'File', Void: 'null' },
      },
    },
  },
};
