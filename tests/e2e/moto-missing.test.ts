// Without Python or moto the e2e files are skipped with an install hint instead of crashing on spawn.
import t from 'tap';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { motoMissing } from '../support/moto.js';

t.test('no python3 on PATH: the hint says to install Python and moto', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'no-python-'));
  const hint = motoMissing({ ...process.env, PATH: empty });
  t.match(hint, /python3 is not on PATH: install Python 3, then pip install 'moto\[server\]==5\.2\.1'/);
});

t.test('python3 without moto: the hint names the pip install', async (t) => {
  // The real python3 with -S -I: no site-packages, so no moto, whatever is installed here.
  const bin = mkdtempSync(join(tmpdir(), 'bare-python-'));
  const real = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
    encoding: 'utf8',
  }).trim();
  const wrapper = join(bin, 'python3');
  writeFileSync(wrapper, `#!/bin/sh\nexec ${real} -S -I "$@"\n`);
  chmodSync(wrapper, 0o755);
  const hint = motoMissing({ ...process.env, PATH: bin });
  t.match(hint, /python3 has no moto server: pip install 'moto\[server\]==5\.2\.1'/);
});

t.test('here, with moto installed, nothing is missing', async (t) => {
  t.equal(motoMissing(), undefined);
});
