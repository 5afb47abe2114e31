#!/usr/bin/env node
// Runs the browser tests against the built-in mock server (needs `npm run build` first).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMockServer } from './mock-server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const server = createMockServer();
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}`;
console.log(`# mock server on ${url}`);
const child = spawn(process.execPath, ['--test', '--test-reporter=spec', path.join(here, 'app.e2e.mjs')], {
  stdio: 'inherit',
  env: { ...process.env, CREDITLOOP_URL: url },
});
child.on('exit', (code) => {
  server.close();
  process.exit(code ?? 1);
});
