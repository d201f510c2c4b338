// `deploy --role-arn` with the bootstrap's execution roles: RolePermissionsBoundary is required, offline;
// with it, the change set runs as that role and the templates go under the stack's own key prefix.
import t from 'tap';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from '../support/cli.js';
import { deployCommand, type DeployOptions } from '../../src/cli/commands/deploy.js';
import { UserError } from '../../src/cli/errors.js';
import { ACCOUNT, createTimeline, fakeWorld, REGION } from './fakes.js';

const ROLE = 'arn:aws:iam::123456789012:role/bootstrap-metabase-github-DevExecutionRole-1A2B3C';
const options = (o: Partial<DeployOptions> = {}): DeployOptions => ({
  yes: true,
  execute: true,
  waitHealthy: false,
  allowReplacement: false,
  json: false,
  ...o,
});

t.test(
  '--role-arn without RolePermissionsBoundary: refused before any AWS call, naming the value',
  async (t) => {
    const world = fakeWorld();
    const { io } = captureIo();
    const error = await deployCommand(options({ env: 'dev', roleArn: ROLE }), io, {
      session: world.session,
      clock: world.clock,
    }).catch((e: unknown) => e);
    t.type(error, UserError);
    t.match(
      (error as UserError).message,
      /^deploy metabase-dev: --role-arn needs the RolePermissionsBoundary parameter, which params\/dev\.json does not set$/,
    );
    t.match((error as UserError).hint, /"RolePermissionsBoundary": "metabase-dev-role-boundary"/);
    t.equal(world.session.calls.total, 0);
  },
);

t.test(
  '--role-arn with the boundary: the change set runs as the role, templates under metabase-dev/',
  async (t) => {
    const dev = JSON.parse(await readFile('params/dev.json', 'utf8')) as Record<string, unknown>;
    const dir = await mkdtemp(join(tmpdir(), 'mb-boundary-'));
    const file = join(dir, 'dev.json');
    await writeFile(file, JSON.stringify({ ...dev, RolePermissionsBoundary: 'metabase-dev-role-boundary' }));
    for (const execute of [true, false]) {
      const world = fakeWorld();
      world.cf.timeline = createTimeline();
      // A preview needs the artifacts bucket a first deploy (or the bootstrap stack) made.
      if (!execute)
        await world.s3.createPrivateBucket(
          `metabase-aws-artifacts-${ACCOUNT}-${REGION}`,
          ACCOUNT,
          REGION,
          {},
          true,
        );
      const { io } = captureIo();
      const code = await deployCommand(
        options({ params: file, stackName: 'metabase-dev', roleArn: ROLE, execute }),
        io,
        { session: world.session, clock: world.clock },
      );
      t.equal(code, 0);
      const input = world.cf.calls.find((c) => c.name === 'createChangeSet')?.arg as {
        roleArn?: string;
        templateUrl: string;
        parameters: Record<string, string>;
      };
      t.equal(input.roleArn, ROLE);
      t.equal(input.parameters.RolePermissionsBoundary, 'metabase-dev-role-boundary');
      const prefix = execute ? 'metabase-dev/templates/' : 'metabase-dev/preview/templates/';
      t.match(
        input.templateUrl,
        new RegExp(`/${prefix}root-[0-9a-f]{64}\\.yaml$`),
        `execute=${String(execute)}: ${prefix}`,
      );
      const keys = world.s3.calls.filter((c) => c.name === 'putObject').map((c) => String(c.arg));
      t.ok(
        keys.length > 0 && keys.every((k) => k.startsWith(prefix)),
        `execute=${String(execute)}: every upload under ${prefix}`,
      );
    }
  },
);
