// GIVEN a change set WHEN it would replace or remove the database, or generate a secret anew THEN the
// guard names it and the preview says what it costs; anything else passes.
import t from 'tap';
import { databaseRisks, type ChangePreview, type PlannedChange } from '../../src/deploy/changeset.js';
import { renderPreview } from '../../src/ui/changeset-view.js';
import { makeStyle } from '../../src/ui/style.js';

const change = (
  logicalId: string,
  resourceType: string,
  extra: Partial<PlannedChange> = {},
): PlannedChange => ({
  action: 'Modify',
  logicalId,
  resourceType,
  recreationCauses: [],
  children: [],
  ...extra,
});
const preview = (children: PlannedChange[]): ChangePreview => ({
  changeSetId: 'cs',
  stackId: 'stack',
  type: 'UPDATE',
  changes: [change('DataStack', 'AWS::CloudFormation::Stack', { children })],
});

t.test('a replaced database and a replaced secret are both risks; a modified one is not', async (t) => {
  const risks = databaseRisks(
    preview([
      change('Database', 'AWS::RDS::DBInstance', { replacement: 'True', recreationCauses: ['DBName'] }),
      change('EncryptionKeySecret', 'AWS::SecretsManager::Secret', {
        replacement: 'True',
        recreationCauses: ['GenerateSecretString'],
      }),
      change('DbMasterSecret', 'AWS::SecretsManager::Secret', { replacement: 'False' }),
      change('DbParameterGroup', 'AWS::RDS::DBParameterGroup', { replacement: 'True' }),
    ]),
  );
  t.same(risks, [
    { path: 'DataStack/Database', kind: 'replace', resource: 'database', causes: ['DBName'] },
    {
      path: 'DataStack/EncryptionKeySecret',
      kind: 'replace',
      resource: 'secret',
      causes: ['GenerateSecretString'],
    },
  ]);
});

t.test('removing a secret is no risk (it is retained); removing the database is', async (t) => {
  const risks = databaseRisks(
    preview([
      change('EncryptionKeySecret', 'AWS::SecretsManager::Secret', { action: 'Remove' }),
      change('Database', 'AWS::RDS::DBInstance', { action: 'Remove' }),
    ]),
  );
  t.same(
    risks.map((r) => [r.path, r.kind, r.resource]),
    [['DataStack/Database', 'remove', 'database']],
  );
});

t.test('the preview says what a replaced secret costs', async (t) => {
  const changes = preview([
    change('EncryptionKeySecret', 'AWS::SecretsManager::Secret', {
      replacement: 'True',
      recreationCauses: ['GenerateSecretString'],
    }),
  ]);
  const text = renderPreview('metabase-dev', changes, databaseRisks(changes), makeStyle(false, {}));
  t.match(
    text,
    /!! The secret DataStack\/EncryptionKeySecret will be REPLACED because GenerateSecretString changed: a new value is generated\./,
  );
  t.match(text, /saved data-source connection must be entered again/);
  t.notMatch(text, /EMPTY database/);
});
