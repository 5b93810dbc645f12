import type { CodegenConfig } from '@graphql-codegen/cli';

// The API's printed schema (committed by packages/api) is the source of truth for the types.
const schema = '../../schema.graphql';

const config: CodegenConfig = {
  schema,
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
