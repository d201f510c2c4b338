#!/usr/bin/env node
// `npm test`: format check, lint, typecheck, build, then every tap test (templates golden + cfn-lint + unit +
// moto e2e).
// Ends with `N passed, N failed`, counted from the TAP stream itself (tap's own summary is not used):
// each assertion is one; each step before tap is one; a runner that dies without reporting is a failure.
import { spawn } from 'node:child_process';

let passed = 0;
let failed = 0;

function step(name, command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => {
      if (code === 0) {
        passed++;
        console.log(`ok - ${name}`);
      } else {
        failed++;
        console.log(`not ok - ${name} (exit ${code})\n${output}`);
      }
      resolve(code);
    });
  });
}

/** Counts leaf test points: a result line that closes a `# Subtest:` block is a summary, not a point. */
export function countTap(lines) {
  const counts = { passed: 0, failed: 0 };
  const openSubtests = new Map(); // indentation → number of subtests opened there and not yet closed
  for (const line of lines) {
    const subtest = /^(\s*)# Subtest: /.exec(line);
    if (subtest) {
      const depth = subtest[1].length;
      openSubtests.set(depth, (openSubtests.get(depth) ?? 0) + 1);
      continue;
    }
    const result = /^(\s*)(not ok|ok)\b(.*)$/.exec(line);
    if (!result) continue;
    const depth = result[1].length;
    if ((openSubtests.get(depth) ?? 0) > 0) {
      openSubtests.set(depth, openSubtests.get(depth) - 1);
      continue;
    }
    const skipped = /#\s*(SKIP|TODO)\b/i.test(result[3]);
    if (result[2] === 'ok' || skipped) counts.passed++;
    else counts.failed++;
  }
  return counts;
}

async function tapRun(files) {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tap', '--reporter=tap', ...files], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      buffer += chunk;
    });
    child.on('close', (code) => {
      const counts = countTap(buffer.split('\n'));
      passed += counts.passed;
      failed += counts.failed;
      if (code !== 0 && counts.failed === 0) {
        failed++;
        console.log(`not ok - tap exited ${code} without a failing test point`);
      }
      resolve();
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await step('format (prettier --check; npm run format fixes it)', 'npx', ['prettier', '--check', '.']);
  await step('lint (typescript-eslint, type-aware; npm run lint:ts)', 'npx', ['eslint', '.']);
  await step('typecheck (tsc --noEmit, strict)', 'npx', ['tsc', '-p', 'tsconfig.json']);
  await step('build (esbuild bundle to dist/)', 'node', ['scripts/build.mjs']);
  const files = process.argv.slice(2);
  await tapRun(files);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}
