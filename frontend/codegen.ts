import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * The one setting that chooses the GraphQL schema the operations are typed against: the
 * server's generated `schema.graphql` at the repository root (before it existed this was
 * '../docs/api-contract.graphql'). Override with CREDITLOOP_SCHEMA=path.
 */
export const SCHEMA_FILE = process.env.CREDITLOOP_SCHEMA ?? '../schema.graphql';

const config: CodegenConfig = {
  schema: SCHEMA_FILE,
  // Every operation lives in src/api/operations.ts.
  documents: ['src/api/operations.ts'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { Money: 'string', Rate: 'string', DateTime: 'string' },
        skipTypename: true,
      },
    },
  },
};

export default config;
