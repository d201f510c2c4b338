// GIVEN AWS's own resource schemas (from cfn-lint) WHEN a params value changes THEN no property that
// forces replacement of the database (its createOnlyProperties) can change with it. The one deliberate
// exception is the restore parameters: they must reach DBSnapshotIdentifier and the master user, and
// deploy pins them (src/deploy/pinned-parameters.ts), so a params file can never change them by leaving
// them out.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { plainTemplates } from '../support/cli.js';
import { PINNED_PARAMETERS, withPinnedParameters } from '../../src/deploy/pinned-parameters.js';

const { data } = plainTemplates();

function createOnlyProperties(type: string, kind = 'createOnlyProperties'): string[] {
  const script = `import json; from cfnlint.schema import PROVIDER_SCHEMA_MANAGER as m; print(json.dumps(m.get_resource_schema('us-east-1', '${type}').schema.get('${kind}', [])))`;
  const result = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`cannot read the ${type} schema from cfn-lint: ${result.stderr}`);
  return (JSON.parse(result.stdout) as string[]).map((pointer) => pointer.replace('/properties/', ''));
}

/** Template parameters a value depends on, following Refs to resources of the same template. */
function parametersBehind(value: unknown, template = data, seen = new Set<string>()): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node === 'string') {
      for (const [, name] of node.matchAll(/\$\{([\w.]+)\}/g)) visit({ Ref: name!.split('.')[0] });
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    // A value chosen by a condition depends on whatever decides the condition.
    const conditionName = Array.isArray(record['Fn::If'])
      ? String(record['Fn::If'][0])
      : typeof record.Condition === 'string'
        ? record.Condition
        : undefined;
    if (conditionName !== undefined && !seen.has(`condition:${conditionName}`)) {
      seen.add(`condition:${conditionName}`);
      visit(template.Conditions?.[conditionName]);
    }
    const referenced =
      typeof record.Ref === 'string'
        ? record.Ref
        : Array.isArray(record['Fn::GetAtt'])
          ? String(record['Fn::GetAtt'][0])
          : undefined;
    if (referenced !== undefined) {
      if (template.Parameters?.[referenced]) found.add(referenced);
      const resource = template.Resources[referenced];
      if (resource && !seen.has(referenced)) {
        seen.add(referenced);
        const createOnly = createOnlyProperties(resource.Type);
        // A referenced resource changes identity only when one of its own create-only properties does.
        for (const property of createOnly)
          parametersBehind(resource.Properties?.[property], template, seen).forEach((p) => found.add(p));
      }
    }
    Object.values(record).forEach(visit);
  };
  visit(value);
  return found;
}

t.test(
  'no parameter but the pinned restore ones reaches a property that would replace the database',
  async (t) => {
    const database = data.Resources.Database!;
    const createOnly = createOnlyProperties('AWS::RDS::DBInstance');
    t.ok(
      createOnly.includes('DBName') && createOnly.includes('StorageEncrypted'),
      'schema read from cfn-lint',
    );
    // DBSnapshotIdentifier is "conditionally" create-only in the schema; CloudFormation's reference says a
    // changed or dropped value replaces the instance, so it is checked like the create-only ones.
    const conditional = createOnlyProperties('AWS::RDS::DBInstance', 'conditionalCreateOnlyProperties');
    t.ok(conditional.includes('DBSnapshotIdentifier'));
    const pinned = new Set<string>(PINNED_PARAMETERS);
    const reached = new Set<string>();
    for (const property of [...createOnly, 'DBSnapshotIdentifier']) {
      const behind = [...parametersBehind(database.Properties?.[property])];
      t.same(
        behind.filter((p) => !pinned.has(p)),
        [],
        `${property} depends on no parameter a params file changes`,
      );
      behind.forEach((p) => reached.add(p));
    }
    t.same(
      [...reached].sort(),
      ['DbSnapshotIdentifier', 'ExistingDbMasterSecretArn'],
      'the exception is exactly these two (the encryption key secret reaches no create-only property)',
    );
    // The exception holds only because deploy keeps the deployed value when the params file leaves it empty.
    const deployed = Object.fromEntries([...reached].map((p) => [p, `deployed-${p}`]));
    const blank = Object.fromEntries([...reached].map((p) => [p, '']));
    t.same(withPinnedParameters(blank, deployed).parameters, deployed, 'deploy pins every one of them');
  },
);

t.test('dev → prod style changes touch only in-place properties', async (t) => {
  const database = data.Resources.Database!.Properties!;
  const inPlace = {
    MultiAZ: 'DbMultiAz',
    DeletionProtection: 'DbDeletionProtection',
    BackupRetentionPeriod: 'DbBackupRetentionDays',
    DBInstanceClass: 'DbInstanceClass',
  };
  const createOnly = createOnlyProperties('AWS::RDS::DBInstance');
  for (const [property, parameter] of Object.entries(inPlace)) {
    t.same(database[property], { Ref: parameter });
    t.notOk(createOnly.includes(property), `${property} updates in place`);
  }
});

t.test('the guard itself can fail: a create-only property fed by a parameter is caught', async (t) => {
  const tampered = JSON.parse(JSON.stringify(data)) as typeof data;
  tampered.Resources.Database!.Properties!.DBName = { Ref: 'DbInstanceClass' };
  t.same(
    [...parametersBehind(tampered.Resources.Database!.Properties!.DBName, tampered)],
    ['DbInstanceClass'],
  );
});

t.test(
  'ExistingAdminSecretArn reaches no create-only property: it only decides whether AdminSecret exists',
  async (t) => {
    for (const [id, resource] of Object.entries(data.Resources)) {
      for (const property of [
        ...createOnlyProperties(resource.Type),
        ...createOnlyProperties(resource.Type, 'conditionalCreateOnlyProperties'),
      ])
        t.notOk(
          parametersBehind(resource.Properties?.[property]).has('ExistingAdminSecretArn'),
          `${id}.${property}`,
        );
    }
    // Where it does go: the instance's tags (updated in place) and AdminSecret's condition. Adding or
    // removing that retained secret on a later deploy is what pinning it prevents.
    t.notOk(createOnlyProperties('AWS::RDS::DBInstance').includes('Tags'), 'instance tags update in place');
    t.ok(parametersBehind(data.Resources.Database!.Properties?.Tags).has('ExistingAdminSecretArn'));
    t.ok(
      parametersBehind({ Condition: data.Resources.AdminSecret!.Condition }).has('ExistingAdminSecretArn'),
    );
    t.ok((PINNED_PARAMETERS as readonly string[]).includes('ExistingAdminSecretArn'), 'deploy pins it');
  },
);
