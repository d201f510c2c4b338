// Hints name the command the way the user ran the tool: `npm run X -- …` from the checkout, `node
// dist/cli/bin.js X …` by path, the bin's name when installed; with the target flags they gave.
import t from 'tap';
import { join } from 'node:path';
import { invocation, rewriteHints } from '../../src/cli/invocation.js';
import { renderStillRunning } from '../../src/ui/report.js';
import { runCli } from '../support/cli.js';

const checkout = '/home/me/metabase-on-aws';
const WAYS = [
  {
    name: 'npm run from the checkout',
    io: { env: { npm_package_name: 'metabase-on-aws', npm_lifecycle_event: 'deploy' }, cwd: checkout },
    watch: 'npm run watch -- --stack-name metabase-dev --region eu-west-1 --profile ops',
    synth: 'npm run synth',
  },
  {
    name: 'node dist/cli/bin.js by path',
    io: { env: {}, cwd: checkout, program: join(checkout, 'dist/cli/bin.js') },
    watch: 'node dist/cli/bin.js watch --stack-name metabase-dev --region eu-west-1 --profile ops',
    synth: 'node dist/cli/bin.js synth',
  },
  {
    name: 'the installed bin',
    io: { env: {}, cwd: '/tmp', program: '/usr/local/bin/metabase-aws' },
    watch: 'metabase-aws watch --stack-name metabase-dev --region eu-west-1 --profile ops',
    synth: 'metabase-aws synth',
  },
];

t.test('the resume hint after Ctrl-C, for each way of running the tool', async (t) => {
  const argv = ['deploy', '--env', 'dev', '--region', 'eu-west-1', '--profile', 'ops'];
  for (const way of WAYS) {
    const hint = renderStillRunning('The operation', 'UPDATE_IN_PROGRESS', 'metabase-dev', {
      region: 'eu-west-1',
      profile: 'ops',
    });
    t.equal(
      rewriteHints(hint, invocation(way.io, argv)),
      `The operation continues in AWS (last status UPDATE_IN_PROGRESS). Follow it again with: ${way.watch}\n`,
      way.name,
    );
  }
});

t.test('a hint written without the target flags gets the ones the user gave, once', async (t) => {
  const how = invocation(WAYS[0]!.io, [
    'deploy',
    '--region=eu-west-1',
    '--endpoint-url',
    'http://localhost:5000',
  ]);
  t.equal(
    rewriteHints('Follow it with `metabase-aws watch --stack-name x`, then deploy again.', how),
    'Follow it with `npm run watch -- --stack-name x --region eu-west-1 --endpoint-url http://localhost:5000`, then deploy again.',
  );
  t.equal(
    rewriteHints('Run `metabase-aws destroy --stack-name x --region us-east-1`.', how),
    'Run `npm run destroy -- --stack-name x --region us-east-1 --endpoint-url http://localhost:5000`.',
    'a flag the hint already has is not doubled',
  );
  t.equal(rewriteHints('every stack metabase-aws deploys', how), 'every stack metabase-aws deploys');
});

t.test('through the CLI: deploy without templates names synth as the user runs the tool', async (t) => {
  for (const way of WAYS) {
    // The checkout is where the test runs: the bundle's path is shown relative to it.
    const program = way.io.program?.replace(checkout, process.cwd());
    const result = await runCli(
      ['deploy', '--env', 'dev', '--yes', '--templates', '/nonexistent-templates'],
      {
        ...way.io,
        program,
        cwd: process.cwd(),
      },
    );
    t.equal(result.code, 1, result.stderr);
    t.match(result.stderr, `Run \`${way.synth}\``, way.name);
    t.notMatch(
      result.stderr,
      way.name === 'the installed bin' ? /npm run|node dist/ : /metabase-aws synth/,
      `${way.name}: no other form`,
    );
  }
});

t.test("destroy's restore line is a deploy command the way the user runs the tool", async (t) => {
  const { restoreCommandLine } = await import('../../src/ui/destroy-view.js');
  const argv = ['destroy', '--env', 'dev', '--region', 'eu-west-1', '--profile', 'ops'];
  const line = restoreCommandLine('metabase-dev', 'metabase-dev-database-1a2b3c', {
    env: 'dev',
    region: 'eu-west-1',
    profile: 'ops',
  });
  const expected = [
    'npm run deploy -- --env dev --region eu-west-1 --profile ops --restore-from metabase-dev-database-1a2b3c',
    'node dist/cli/bin.js deploy --env dev --region eu-west-1 --profile ops --restore-from metabase-dev-database-1a2b3c',
    'metabase-aws deploy --env dev --region eu-west-1 --profile ops --restore-from metabase-dev-database-1a2b3c',
  ];
  WAYS.forEach((way, i) => {
    t.equal(rewriteHints(`    ${line}\n`, invocation(way.io, argv)), `    ${expected[i] ?? ''}\n`, way.name);
  });
  // Destroyed with --stack-name only: the environment is read from deploy's own default stack name.
  t.equal(
    restoreCommandLine('metabase-prod', 'snap', { region: 'eu-west-1' }),
    'metabase-aws deploy --env prod --region eu-west-1 --restore-from snap',
  );
  t.equal(
    restoreCommandLine('team-bi', 'snap', { region: 'eu-west-1' }),
    'metabase-aws deploy --env dev --stack-name team-bi --region eu-west-1 --restore-from snap',
  );
});

t.test("a usage mistake's help line is one the user can run, the way they ran the tool", async (t) => {
  // It said `metabase-aws --help` however the tool was run, a command the checkout does not have.
  const expected = [
    { command: 'npm run deploy -- --help', tool: 'npm run deploy -- --help' },
    { command: 'node dist/cli/bin.js deploy --help', tool: 'node dist/cli/bin.js --help' },
    { command: 'metabase-aws deploy --help', tool: 'metabase-aws --help' },
  ];
  for (const [i, way] of WAYS.entries()) {
    const io = { ...way.io, program: way.io.program?.replace(checkout, process.cwd()), cwd: process.cwd() };
    const typo = await runCli(['deploy', '--evn', 'dev', '--region', 'eu-west-1'], io);
    t.equal(typo.code, 1, way.name);
    t.equal(
      typo.stderr.split('\n')[1],
      `Run \`${expected[i]?.command ?? ''}\` for usage.`,
      `${way.name}: the command's help, without the target flags`,
    );
    const unknown = await runCli(['deplyo'], io);
    t.equal(unknown.stderr.split('\n')[1], `Run \`${expected[i]?.tool ?? ''}\` for usage.`, way.name);
  }
});
