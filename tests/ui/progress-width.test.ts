// The live progress view at 80 and 100 columns, through the watch command in a terminal, with the network
// tier's real logical ids: every row fits in one line short of the width (no wrap, so redraws land on the
// rows they replace). A resize redraws over the rows the block takes at the new width. TERM=dumb gets the
// plain log printer: no cursor movement, no colour.
import t from 'tap';
import { watchCommand } from '../../src/cli/commands/watch.js';
import { liveTierView } from '../../src/ui/progress.js';
import { makeStyle } from '../../src/ui/style.js';
import { captureIo, plainTemplates } from '../support/cli.js';
import {
  existingStack,
  fakeWorld,
  nestedId,
  ROOT_ID,
  type FakeWorld,
  type ScheduledEvent,
} from '../deploy/fakes.js';

const ESCAPES = /\u001b\[[\d;]*[A-Za-z]/g;

function networkUpdate(world: FakeWorld): void {
  const network = nestedId('NetworkStack');
  const ids = Object.keys(plainTemplates().network.Resources);
  const timeline: ScheduledEvent[] = [
    {
      after: 0,
      stackId: ROOT_ID,
      logicalId: 'metabase-dev',
      status: 'UPDATE_IN_PROGRESS',
      reason: 'User Initiated',
    },
    {
      after: 500,
      stackId: ROOT_ID,
      logicalId: 'NetworkStack',
      status: 'UPDATE_IN_PROGRESS',
      physicalId: network,
    },
  ];
  ids.forEach((id, i) =>
    timeline.push({
      after: 1000 + i * 1000,
      stackId: network,
      logicalId: id,
      status: 'UPDATE_IN_PROGRESS',
      resourceType: 'AWS::EC2::RouteTable',
      physicalId: `${id.toLowerCase()}-0123456789abcdef0`,
      reason: 'Requested update requires the creation of a new physical resource; hence creating one.',
    }),
  );
  const end = 2000 + ids.length * 1000;
  timeline.push({
    after: end,
    stackId: ROOT_ID,
    logicalId: 'NetworkStack',
    status: 'UPDATE_COMPLETE',
    physicalId: network,
  });
  timeline.push({ after: end + 500, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'UPDATE_COMPLETE' });
  existingStack(world, 'UPDATE_IN_PROGRESS');
  world.cf.timeline = timeline;
  world.cf.finalStatus = 'UPDATE_COMPLETE';
  world.cf.begin();
}

t.test('watch in a terminal of 80 and 100 columns: every live row fits', async (t) => {
  const longest = Math.max(...Object.keys(plainTemplates().network.Resources).map((id) => id.length));
  t.ok(48 + longest + ' UPDATE_IN_PROGRESS'.length > 80, 'the real ids would overflow 80 columns unfitted');
  for (const columns of [80, 100]) {
    const world = fakeWorld();
    networkUpdate(world);
    const { io, out } = captureIo({ isTty: true, env: {}, columns: () => columns });
    t.equal(
      await watchCommand({ stackName: 'metabase-dev', json: false }, io, {
        session: world.session,
        clock: world.clock,
      }),
      0,
    );
    const rows = out.stdout.split('\n').filter((line) => line.includes('\u001b[2K'));
    t.ok(rows.length > 5, `${columns}: the live view drew`);
    const widest = Math.max(...rows.map((line) => line.replace(ESCAPES, '').replace(/^\r/, '').length));
    t.ok(widest <= columns - 1, `${columns} columns: widest row ${widest}`);
    t.match(out.stdout, /…/, `${columns}: long rows are cut with an ellipsis`);
  }
});

t.test('a resize redraws over the rows the block now takes', async (t) => {
  let columns = 100;
  let resize: (() => void) | undefined;
  let written = '';
  const view = liveTierView(
    (text) => void (written += text),
    makeStyle(false, {}),
    () => 0,
    {
      columns: () => columns,
      onResize: (listener) => {
        resize = listener;
        return () => (resize = undefined);
      },
    },
  );
  const event = (logicalId: string, stackLabel: string, depth: number) => ({
    eventId: logicalId,
    stackId: 'x',
    stackName: 'x',
    stackLabel,
    depth,
    logicalId,
    physicalId: 'p',
    resourceType: 'AWS::EC2::Subnet',
    status: 'CREATE_IN_PROGRESS',
    timestamp: new Date(0),
  });
  view.onEvent({ ...event('NetworkStack', 'metabase-dev', 0), resourceType: 'AWS::CloudFormation::Stack' });
  view.onEvent(event('PrivateSubnetRouteTableAssociationWithAVeryLongName', 'NetworkStack', 1));
  view.onRound();
  const lengths = written
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(ESCAPES, '').length);
  t.ok(lengths.every((l) => l <= 99));
  written = '';
  columns = 40;
  t.ok(resize, 'listening while drawn');
  resize?.();
  const up = lengths.reduce((sum, l) => sum + Math.ceil(l / 40), 0);
  t.ok(
    written.startsWith(`\u001b[${up}A\r\u001b[J`),
    `moved up ${up} rows and cleared: ${JSON.stringify(written.slice(0, 12))}`,
  );
  t.ok(
    written
      .split('\n')
      .filter(Boolean)
      .every((l) => l.replace(ESCAPES, '').replace(/^\r/, '').length <= 39),
  );
  view.finish();
  t.equal(resize, undefined, 'finish stops listening');
});

t.test('TERM=dumb: the line printer, no cursor movement, no colour', async (t) => {
  const world = fakeWorld();
  networkUpdate(world);
  const { io, out } = captureIo({ isTty: true, env: { TERM: 'dumb' }, columns: () => 80 });
  t.equal(
    await watchCommand({ stackName: 'metabase-dev', json: false }, io, {
      session: world.session,
      clock: world.clock,
    }),
    0,
  );
  t.notMatch(out.stdout, /\u001b/, 'no escape sequence at all');
  t.match(out.stdout, /\d\d:\d\d:\d\d {2}NetworkStack/, 'one line per event');
});
