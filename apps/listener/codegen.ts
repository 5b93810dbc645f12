import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed operations from the API's printed schema (committed by packages/api at the repo root).
const config: CodegenConfig = {
  schema: '../../schema.graphql',
  documents: ['src/graphql/*.graphql'],
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

export default config;
