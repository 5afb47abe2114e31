import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * The one setting that chooses the GraphQL schema the operations are typed against.
 * Today: the hand-written contract. Once the server's generated `schema.graphql` exists at the
 * repository root, switch this to '../schema.graphql' (or run with CREDITLOOP_SCHEMA=../schema.graphql).
 */
export const SCHEMA_FILE = process.env.CREDITLOOP_SCHEMA ?? '../docs/api-contract.graphql';

const config: CodegenConfig = {
  schema: SCHEMA_FILE,
  // Operations live in src/api/operations.ts. Planned APIs that are not in the contract yet
  // (src/planned/) are typed by hand and deliberately not scanned.
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
