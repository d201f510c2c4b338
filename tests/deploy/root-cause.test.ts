import t from 'tap';
import { deleteFailures, findRootCause } from '../../src/deploy/root-cause.js';
import type { WatchEvent } from '../../src/deploy/watch.js';

const ev = (
  at: number,
  depth: number,
  stackLabel: string,
  logicalId: string,
  status: string,
  reason?: string,
): WatchEvent => ({
  eventId: `${at}-${logicalId}`,
  stackId: `arn:${stackLabel}`,
  stackName: stackLabel,
  logicalId,
  physicalId: `p-${logicalId}`,
  resourceType: 'AWS::X::Y',
  status,
  reason,
  timestamp: new Date(at),
  stackLabel,
  depth,
});

t.test('skips wrapper reasons and picks the earliest real failure', async (t) => {
  const cause = findRootCause([
    ev(
      5,
      0,
      'metabase-dev',
      'AppStack',
      'CREATE_FAILED',
      'Embedded stack arn:x was not successfully created: The following resource(s) failed to create: [Service].',
    ),
    ev(3, 1, 'AppStack', 'Service', 'CREATE_FAILED', 'ECS service did not stabilize'),
    ev(4, 1, 'AppStack', 'ScalableTarget', 'CREATE_FAILED', 'Resource creation cancelled'),
  ]);
  t.match(cause, { path: 'AppStack/Service', reason: 'ECS service did not stabilize' });
});

t.test('falls back to a wrapper when nothing else failed, undefined when nothing failed', async (t) => {
  t.match(findRootCause([ev(1, 0, 'r', 'AppStack', 'UPDATE_FAILED', 'Resource update cancelled')]), {
    path: 'AppStack',
  });
  t.equal(findRootCause([ev(1, 0, 'r', 'AppStack', 'CREATE_COMPLETE')]), undefined);
});

t.test('delete failures: last state per resource, deepest first', async (t) => {
  const failures = deleteFailures([
    ev(1, 1, 'DataStack', 'DbSubnetGroup', 'DELETE_FAILED', 'in use'),
    ev(2, 0, 'metabase-dev', 'DataStack', 'DELETE_FAILED', 'Embedded stack'),
    ev(3, 1, 'NetworkStack', 'Vpc', 'DELETE_FAILED', 'dependency'),
    ev(4, 1, 'NetworkStack', 'Vpc', 'DELETE_COMPLETE'),
  ]);
  t.same(
    failures.map((f) => f.logicalId),
    ['DbSubnetGroup', 'DataStack'],
  );
});
