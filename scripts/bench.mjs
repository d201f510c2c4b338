#!/usr/bin/env node
// `npm run bench`: start-up cost of the CLI as whole processes, against Node's own start (`node -e 0`).
// Several runs after a warm-up; reports median / min / max and the ratio of each median to the floor,
// and writes bench/results.json. It reports; it does not fail on a timing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';

const runs = Number(process.env.BENCH_RUNS ?? 15);
const warmups = 3;
const out = mkdtempSync(join(tmpdir(), 'mb-bench-'));
// Diagrams go to a temporary folder too; after the warm-up they are redrawn only if the templates changed,
// as in a user's repeated runs.
const cases = [
  { name: 'node -e 0 (floor)', args: ['-e', '0'] },
  { name: 'cli --help', args: ['dist/cli/bin.js', '--help'] },
  {
    name: 'synth (all templates to a temp dir)',
    args: ['dist/cli/bin.js', 'synth', '--out', join(out, 'templates'), '--diagrams', join(out, 'diagrams')],
  },
];

function timeOnce(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return elapsed;
}

const results = cases.map(({ name, args }) => {
  for (let i = 0; i < warmups; i++) timeOnce(args);
  const samples = Array.from({ length: runs }, () => timeOnce(args)).sort((a, b) => a - b);
  return {
    name,
    runs,
    medianMs: samples[Math.floor(samples.length / 2)],
    minMs: samples[0],
    maxMs: samples[samples.length - 1],
  };
});
const floor = results[0].medianMs;
for (const result of results) result.ratioToFloor = Number((result.medianMs / floor).toFixed(2));

const round = (ms) => ms.toFixed(1).padStart(7);
console.log(`node ${process.version}, ${cpus().length} cores, ${runs} runs after ${warmups} warm-ups\n`);
console.log('case                                    median      min      max   × floor');
for (const r of results)
  console.log(
    `${r.name.padEnd(36)} ${round(r.medianMs)} ms ${round(r.minMs)} ${round(r.maxMs)}   ${r.ratioToFloor.toFixed(2)}`,
  );
mkdirSync('bench', { recursive: true });
writeFileSync(
  'bench/results.json',
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2)}\n`,
);
console.log('\nwrote bench/results.json');
