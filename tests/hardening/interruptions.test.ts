// Interruptions: Ctrl-C and SIGTERM stop only the watching (the CloudFormation operation goes on, and
// the deploy tests check the message); an upload cut off half-way leaves nothing the next run trips over.
import t from 'tap';
import { withInterrupt } from '../../src/cli/prompt.js';
import { packageTemplates, readTemplateSet, SHIPPED_TEMPLATES } from '../../src/deploy/package.js';
import { FakeS3 } from '../deploy/fakes.js';

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  t.test(`${signal} aborts the watch, and the handlers are gone afterwards`, async (t) => {
    const before = process.listenerCount(signal);
    const outcome = await withInterrupt(
      (abort) =>
        new Promise<string>((resolve) => {
          abort.addEventListener('abort', () => resolve('stopped watching'));
          setImmediate(() => process.emit(signal));
        }),
    );
    t.equal(outcome, 'stopped watching');
    t.equal(process.listenerCount(signal), before, 'no handler left behind');
  });
}

t.test(
  'an upload cut off half-way: the next run uploads only what is missing and gets the same URLs',
  async (t) => {
    const set = await readTemplateSet(SHIPPED_TEMPLATES);
    const target = {
      bucket: 'metabase-aws-artifacts-123456789012-us-east-1',
      account: '123456789012',
      region: 'us-east-1',
      endpoint: undefined,
    };

    const clean = new FakeS3();
    await clean.createPrivateBucket(target.bucket, target.account, target.region, {}, true);
    const expected = await packageTemplates(clean, target, set);

    const s3 = new FakeS3();
    await s3.createPrivateBucket(target.bucket, target.account, target.region, {}, true);
    const realPut = s3.putObject.bind(s3);
    let puts = 0;
    s3.putObject = async (...args) => {
      if (++puts === 3) throw new Error('connection reset (Ctrl-C)');
      return realPut(...args);
    };
    await t.rejects(packageTemplates(s3, target, set), /connection reset/);
    const leftOver = s3.buckets.get(target.bucket)!.objects.size;
    t.ok(
      leftOver > 0 && leftOver < expected.templates.length,
      `${leftOver} of ${expected.templates.length} objects were written`,
    );

    s3.putObject = realPut;
    const rerun = await packageTemplates(s3, target, set);
    t.same(rerun.rootUrl, expected.rootUrl, 'same root URL as an uninterrupted run');
    t.same(
      rerun.templates.map((f) => f.url),
      expected.templates.map((f) => f.url),
    );
    t.equal(
      rerun.templates.filter((f) => f.uploaded).length,
      expected.templates.length - leftOver,
      'only the missing ones are uploaded',
    );
    for (const [key, body] of s3.buckets.get(target.bucket)!.objects) {
      t.same(body, clean.buckets.get(target.bucket)!.objects.get(key), `${key} holds the full template`);
    }
  },
);
