import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import * as ops from './operations';

// Every operation the app sends must be valid against the server's generated schema. When the
// schema changes under the app, this fails here instead of in a user's browser; then run
// `npm run codegen` and adapt.
const schemaFile = path.resolve(process.cwd(), process.env.CREDITLOOP_SCHEMA ?? '../schema.graphql');

describe('GraphQL operations', () => {
  it.skipIf(!fs.existsSync(schemaFile))('validate against schema.graphql', () => {
    const schema = buildSchema(fs.readFileSync(schemaFile, 'utf8'));
    const problems: string[] = [];
    for (const [name, doc] of Object.entries(ops)) {
      const errors = validate(schema, parse(String(doc)));
      for (const e of errors) problems.push(`${name}: ${e.message}`);
    }
    expect(problems).toEqual([]);
    expect(Object.keys(ops).length).toBeGreaterThan(40);
  });
});
