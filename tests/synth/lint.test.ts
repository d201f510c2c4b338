import t from 'tap';
import { spawnSync } from 'node:child_process';

// AWS's own cfn-lint (Python). Settings and the one ignored check live in .cfnlintrc.
t.test('cfn-lint reports no error and no warning on templates/', async (t) => {
  const result = spawnSync('cfn-lint', [], { encoding: 'utf8' });
  t.equal(result.error, undefined, 'cfn-lint is installed (pip install cfn-lint==1.51.0)');
  t.equal(result.stdout + result.stderr, '', 'no findings');
  t.equal(result.status, 0, 'exit code 0');
});

// The informational checks too: I3011 wants DeletionPolicy and UpdateReplacePolicy stated on stateful
// resources, so a replacement never deletes something by a default nobody chose.
t.test('cfn-lint --include-checks I reports nothing either', async (t) => {
  const result = spawnSync('cfn-lint', ['--include-checks', 'I'], { encoding: 'utf8' });
  t.equal(result.stdout + result.stderr, '', 'no informational findings');
  t.equal(result.status, 0, 'exit code 0');
});
