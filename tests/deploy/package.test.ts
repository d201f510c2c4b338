// Packaging: content-addressed keys, the root's TemplateURLs rewritten, path-style URLs on an endpoint.
import t from 'tap';
import { load } from 'js-yaml';
import {
  contentKey,
  nestedTemplateFiles,
  objectUrl,
  readTemplateSet,
  rewriteRoot,
  SHIPPED_TEMPLATES,
  stackKeyPrefix,
} from '../../src/deploy/package.js';

t.test('the key is the sha256 of the bytes: same bytes same key, one byte more a new key', async (t) => {
  const a = contentKey({ name: 'network.yaml', bytes: Buffer.from('Resources: {}') });
  t.equal(a, contentKey({ name: 'network.yaml', bytes: Buffer.from('Resources: {}') }));
  t.not(a, contentKey({ name: 'network.yaml', bytes: Buffer.from('Resources: {} ') }));
  t.match(a, /^templates\/network-[0-9a-f]{64}\.yaml$/);
});

t.test(
  'keys live under the stack name, a preview under <stack>/preview (what the bootstrap roles allow)',
  async (t) => {
    const file = { name: 'app.yaml', bytes: Buffer.from('Resources: {}') };
    t.match(
      contentKey(file, stackKeyPrefix('metabase-dev', false)),
      /^metabase-dev\/templates\/app-[0-9a-f]{64}\.yaml$/,
    );
    t.match(
      contentKey(file, stackKeyPrefix('metabase-dev', true)),
      /^metabase-dev\/preview\/templates\/app-[0-9a-f]{64}\.yaml$/,
    );
  },
);

t.test('URLs: regional virtual-host on AWS, path-style on an endpoint override', async (t) => {
  t.equal(
    objectUrl('b', 'templates/x.yaml', 'eu-west-1', undefined),
    'https://b.s3.eu-west-1.amazonaws.com/templates/x.yaml',
  );
  t.equal(objectUrl('b', 'k', 'cn-north-1', undefined), 'https://b.s3.cn-north-1.amazonaws.com.cn/k');
  t.equal(objectUrl('b', 'k', 'us-east-1', 'http://localhost:5000/'), 'http://localhost:5000/b/k');
});

t.test('the shipped root names every tier template, and rewriting replaces exactly those URLs', async (t) => {
  const set = await readTemplateSet(SHIPPED_TEMPLATES);
  const files = nestedTemplateFiles(set.root.bytes);
  t.same([...files.keys()].sort(), ['AppStack', 'DataStack', 'EdgeStack', 'NetworkStack']);
  t.equal(set.nested.length, 4);
  const urls = new Map([...files.values()].map((f) => [f, `https://b.s3.amazonaws.com/${f}`]));
  const rewritten = load(Buffer.from(rewriteRoot(set.root.bytes, urls)).toString()) as {
    Resources: Record<string, { Properties: { TemplateURL: string } }>;
    Parameters: object;
  };
  t.equal(rewritten.Resources.DataStack?.Properties.TemplateURL, 'https://b.s3.amazonaws.com/data.yaml');
  t.same(
    Object.keys(rewritten.Parameters),
    Object.keys((load(Buffer.from(set.root.bytes).toString()) as { Parameters: object }).Parameters),
  );
});
