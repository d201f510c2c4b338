#!/usr/bin/env node
// Build: bundle the CLI into dist/cli/ with esbuild. One file for the start-up path (entry, yargs, the
// synth core) instead of ~400 ESM/CommonJS modules resolved one by one, and one chunk per lazily
// imported command, so `--help` and `synth` never load the AWS SDK. Type checking is tsc's job
// (`npm run typecheck`, part of `npm test`); esbuild only strips types.
// Every chunk stays in dist/cli/, two levels below the package root like the sources in src/*/, so paths
// computed from import.meta.url (templates/) resolve the same way in both.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: { bin: 'src/cli/bin.ts' },
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: '[name]-[hash]',
  // The wasm Graphviz loads its own binary at run time: leave the package as it is.
  external: ['@hpcc-js/wasm-graphviz'],
  // CommonJS packages inside an ESM bundle still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  // A light string-width for yargs' layout: see src/cli/vendor/string-width.ts (saves ~30 ms a start).
  alias: { 'string-width': './src/cli/vendor/string-width.ts' },
  legalComments: 'none',
  logLevel: 'warning',
});
