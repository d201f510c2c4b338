// `deploy --yes | head -1`: the reader goes away after a line, and the command must still do all its work
// (and exit with its own code), not exit 0 half-way on the first EPIPE. Spawns the built CLI with a stdout
// pipe that is closed before the command writes: synth writes a line, then still has the diagrams to draw.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(process.cwd(), 'dist/cli/bin.js');

function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader leaves at once, as `head -1` does after its line: every write to stdout gets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stderr });
    });
  });
}

t.test('a closed stdout does not end synth before it has drawn the diagrams', async (t) => {
  t.ok(existsSync(BIN), 'the CLI is built (npm run build)');
  const work = mkdtempSync(join(tmpdir(), 'closed-stdout-'));
  const out = join(work, 'templates');
  const diagrams = join(work, 'diagrams');
  const { code, stderr } = await runWithClosedStdout(['synth', '--out', out, '--diagrams', diagrams]);
  t.equal(code, 0, stderr);
  t.ok(readdirSync(out).includes('root.yaml'), 'templates written');
  const drawn = readdirSync(diagrams);
  t.ok(drawn.length > 0, `diagrams drawn after stdout closed: ${drawn.join(', ')}`);
  t.same(drawn.sort(), readdirSync(join(process.cwd(), 'diagrams')).sort(), 'all of them');
  t.notMatch(stderr, /EPIPE|\n\s+at /, 'no trace');
  t.match(stderr, /stdout was closed/, 'says its output was cut short');
});
