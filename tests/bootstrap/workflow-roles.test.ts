// The deploy workflow and the bootstrap template agree: every job that assumes an AWS role runs in a
// GitHub Environment whose exact OIDC subject one bootstrap role trusts, and takes that environment's role.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import { REPOSITORY, resolveBootstrap, roles } from './resolve.js';

interface Step {
  uses?: string;
  with?: Record<string, string>;
}
interface Job {
  environment?: string;
  strategy?: { matrix?: { environment?: string[] | string } };
  steps: Step[];
}
const workflow = load(await readFile('.github/workflows/deploy.yml', 'utf8')) as {
  on: { workflow_dispatch: { inputs: { environment: { options: string[] } } } };
  jobs: Record<string, Job>;
};
const trusted = new Set(
  roles(resolveBootstrap())
    .flatMap((r) => r.trust.Statement)
    .map((s) => s.Condition?.StringEquals?.['token.actions.githubusercontent.com:sub'])
    .filter((sub): sub is string => typeof sub === 'string')
    .map((sub) => sub.replace(`repo:${REPOSITORY}:environment:`, '')),
);

t.test('every job with AWS credentials runs in an environment a bootstrap role trusts exactly', async (t) => {
  const dispatchable = workflow.on.workflow_dispatch.inputs.environment.options;
  const seen = new Set<string>();
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const credentials = job.steps.filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials'));
    if (credentials.length === 0) continue;
    t.ok(job.environment, `${name} runs in a GitHub Environment`);
    for (const step of credentials)
      t.equal(
        step.with?.['role-to-assume'],
        '${{ vars.AWS_ROLE_ARN }}',
        `${name}: the environment's own role`,
      );
    const matrix = job.strategy?.matrix?.environment;
    const values = Array.isArray(matrix) ? matrix : dispatchable;
    const declared = job.environment ?? '';
    const environments = /\$\{\{/.test(declared)
      ? values.map((v) => declared.replace(/\$\{\{[^}]+\}\}/, v))
      : [declared];
    for (const environment of environments) {
      seen.add(environment);
      t.ok(trusted.has(environment), `${name}: environment ${environment} has a bootstrap role`);
    }
  }
  t.same([...seen].sort(), [...trusted].sort(), 'and every bootstrap role is used by a job');
});
