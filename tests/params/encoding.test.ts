// Params files as editors really save them, through the CLI: a UTF-8 BOM is fine, UTF-16 is named,
// a key given twice is refused, a fraction is not a count, and a 1 for a true/false parameter gets the
// right advice.
import t from 'tap';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

const dir = await mkdtemp(join(tmpdir(), 'params-encoding-'));
const dev = await readFile('params/dev.json', 'utf8');
const file = async (name: string, body: string | Buffer): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, body);
  return path;
};
const withKey = (key: string, value: string) => dev.replace(/^\{/, `{\n  "${key}": ${value},`);
const minimal = (key: string, value: string) =>
  `{\n  "MetabaseVersion": "v0.64.2.2",\n  "DbEngineVersion": "17.9",\n  "${key}": ${value}\n}\n`;

t.test('a UTF-8 BOM is accepted', async (t) => {
  const result = await runCli(['validate', '--params', await file('bom.json', `\uFEFF${dev}`)]);
  t.equal(result.code, 0, result.stderr);
});

t.test('UTF-16 (with or without a BOM) is named, not reported as bad JSON', async (t) => {
  for (const [name, bytes] of [
    ['utf16le.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(dev, 'utf16le')])],
    ['utf16-nobom.json', Buffer.from(dev, 'utf16le')],
  ] as const) {
    const result = await runCli(['validate', '--params', await file(name, bytes)]);
    t.equal(result.code, 1);
    t.match(result.stderr, /the file is UTF-16 encoded; save it as UTF-8/, name);
  }
});

t.test('a key given twice is refused with both lines', async (t) => {
  const result = await runCli([
    'validate',
    '--params',
    await file('twice.json', withKey('DesiredCount', '3')),
  ]);
  t.equal(result.code, 1);
  t.match(result.stderr, /DesiredCount: appears twice \(lines 2 and \d+\)/);
});

t.test('a fraction for a count, and 1 for a true/false parameter', async (t) => {
  const fraction = await runCli([
    'validate',
    '--params',
    await file('fraction.json', minimal('DbBackupRetentionDays', '7.5')),
  ]);
  t.equal(fraction.code, 1);
  t.match(fraction.stderr, /DbBackupRetentionDays: expected a whole number, got 7\.5/);
  const one = await runCli([
    'validate',
    '--params',
    await file('one.json', minimal('DbDeletionProtection', '1')),
  ]);
  t.equal(one.code, 1);
  t.match(one.stderr, /DbDeletionProtection: expected a string, got number 1 \(write true or false\)/);
});

t.test('a comment or a comma after the last entry is named, with its line', async (t) => {
  // V8 says only "Expected property name or '}'" for both, the first at the comment, the second at the
  // `}` on the line after the comma.
  const comment = await runCli([
    'validate',
    '--params',
    await file('comment.json', dev.replace(/^\{/, '{\n  // my notes')),
  ]);
  t.equal(comment.code, 1);
  t.match(
    comment.stderr,
    /: not valid JSON: .* at line 2, column 3: JSON has no comments; write a note as a "\$comment" key instead\n/,
  );
  const trailing = await runCli([
    'validate',
    '--params',
    await file('trailing.json', '{\n  "MetabaseVersion": "v0.64.2.2",\n  "DbEngineVersion": "17.9",\n}\n'),
  ]);
  t.equal(trailing.code, 1);
  t.match(
    trailing.stderr,
    /: not valid JSON: .* at line 4, column 1: a comma after the last entry \(line 3\); remove it\n/,
  );
  // In a list V8 gives no position at all, and quotes the whole file: the comma is found, the file not
  // repeated.
  const inList = await runCli([
    'validate',
    '--params',
    await file(
      'trailing-list.json',
      '{\n  "MetabaseVersion": "v0.64.2.2",\n  "AllowedIngressCidrs": ["10.0.0.0/8",\n  ]\n}\n',
    ),
  ]);
  t.equal(inList.code, 1);
  t.match(
    inList.stderr,
    /: not valid JSON: Unexpected token '\]': a comma after the last entry \(line 3\); remove it\n/,
  );
  t.notMatch(inList.stderr, /is not valid JSON/, 'the file is not quoted back');
  t.notMatch(inList.stderr, /MetabaseVersion/, 'the file is not quoted back');
});
