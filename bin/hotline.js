#!/usr/bin/env node
// The CLI runs the compiled code; `npm install` builds it (the `prepare` script). A checkout has the
// tooling commands (lab, call, load) too; an image built without tools/ has only production ones.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const withTools = new URL('../dist/tools/cli/main.js', import.meta.url);
const production = new URL('../dist/controller/cli/main.js', import.meta.url);
const entry = existsSync(fileURLToPath(withTools)) ? withTools : production;
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('hotline: not built yet; run `npm install` (or `npm run build`) first\n');
  process.exit(1);
}
await import(entry.href);
