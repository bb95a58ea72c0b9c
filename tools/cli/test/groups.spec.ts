import { Runnel } from '@runnel/client';
import { runnel, startTestBroker, type TestBroker } from './support/cli-harness.js';

let cluster: TestBroker;
let b: string[];

beforeAll(async () => {
  cluster = await startTestBroker();
  b = ['-b', cluster.bootstrap];
  await runnel(['topics', 'create', 'orders', '--partitions', '2', ...b]);
  await runnel(['produce', 'orders', '--partition', '0', ...b], { stdin: 'a\nb\nc\nd\ne\n' });
  await runnel(['produce', 'orders', '--partition', '1', ...b], { stdin: 'f\ng\nh\n' });
  // The group reads 2 records of partition 0 and none of partition 1, and commits that.
  await runnel(['consume', 'orders', '--group', 'billing', '--from-beginning', '--max-messages', '2', ...b]);
  const consumed = await runnel(['groups', 'describe', 'billing', '--json', ...b]);
  expect(JSON.parse(consumed.stdout).offsets.length).toBeGreaterThan(0);
}, 30_000);
afterAll(() => cluster.close());

/** A real group member (our client), subscribed to `orders`, until `stop()`. */
async function member(groupId: string): Promise<{ stop(): Promise<void> }> {
  const client = new Runnel({ clientId: 'member-app', brokers: [cluster.bootstrap] });
  const consumer = client.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topics: ['orders'] });
  await consumer.run({ eachMessage: async () => undefined });
  return { stop: () => consumer.disconnect() };
}

/** Committed offsets per partition from `groups describe --json`. */
async function committed(groupId: string): Promise<Record<number, number | null>> {
  const { offsets } = JSON.parse((await runnel(['groups', 'describe', groupId, '--json', ...b])).stdout);
  return Object.fromEntries(
    offsets.map((o: { partition: number; committedOffset: number | null }) => [
      o.partition,
      o.committedOffset,
    ]),
  );
}

describe('runnel groups', () => {
  test('list shows the group with its state', async () => {
    const people = await runnel(['groups', 'list', ...b]);
    expect(people.code).toBe(0);
    expect(people.stdout).toMatch(
      /^GROUP +STATE +MEMBERS +PROTOCOL-TYPE\n(.*\n)*billing +Empty +0 +consumer\n/,
    );
    const json = JSON.parse((await runnel(['groups', 'list', '--json', ...b])).stdout);
    expect(json.groups).toContainEqual({
      groupId: 'billing',
      state: 'Empty',
      members: 0,
      protocolType: 'consumer',
    });
  });

  test('describe shows the offsets a group committed to a topic deleted since, with its end and lag unknown', async () => {
    await runnel(['topics', 'create', 'retired', '--partitions', '1', ...b]);
    await runnel(['produce', 'retired', ...b], { stdin: 'x\ny\n' });
    await runnel([
      'consume',
      'retired',
      '--group',
      'archivist',
      '--from-beginning',
      '--max-messages',
      '2',
      ...b,
    ]);
    expect((await runnel(['topics', 'delete', 'retired', ...b])).code).toBe(0);
    const described = await runnel(['groups', 'describe', 'archivist', '--json', ...b]);
    expect(described.code).toBe(0);
    expect(JSON.parse(described.stdout).offsets).toEqual([
      { topic: 'retired', partition: 0, committedOffset: 2, logEndOffset: null, lag: null, memberId: null },
    ]);
    const table = await runnel(['groups', 'describe', 'archivist', ...b]);
    expect(table.stdout).toMatch(/\nretired +0 +2 +- +- +/);
  });

  test('describe prints committed offset, log end offset and lag = log end - committed per partition', async () => {
    const { offsets, state } = JSON.parse(
      (await runnel(['groups', 'describe', 'billing', '--json', ...b])).stdout,
    );
    expect(state).toBe('Empty');
    for (const o of offsets) {
      expect(o.lag).toBe(o.committedOffset === null ? null : o.logEndOffset - o.committedOffset);
    }
    const total = offsets.reduce(
      (sum: number, o: { committedOffset: number | null }) => sum + (o.committedOffset ?? 0),
      0,
    );
    expect(total).toBe(2);
    const people = await runnel(['groups', 'describe', 'billing', ...b]);
    const header = people.stdout.split('\n')[2]!;
    expect(header.split(/\s+/)).toEqual([
      'TOPIC',
      'PARTITION',
      'CURRENT-OFFSET',
      'LOG-END-OFFSET',
      'LAG',
      'CONSUMER-ID',
      'HOST',
      'CLIENT-ID',
    ]);
    for (const o of offsets) {
      const row = people.stdout.split('\n').find((line) => line.startsWith(`orders  ${o.partition} `))!;
      expect(row.split(/\s+/).slice(0, 5)).toEqual([
        'orders',
        String(o.partition),
        String(o.committedOffset ?? '-'),
        String(o.logEndOffset),
        String(o.lag ?? '-'),
      ]);
    }
  });

  test('describe of a live group shows its members and their assignment', async () => {
    const m = await member('live');
    try {
      const group = JSON.parse((await runnel(['groups', 'describe', 'live', '--json', ...b])).stdout);
      expect(group.state).toBe('Stable');
      expect(group.members).toEqual([
        {
          memberId: expect.any(String),
          clientId: 'member-app',
          host: expect.any(String),
          assignment: [{ topic: 'orders', partitions: [0, 1] }],
        },
      ]);
      // Nothing committed yet: every assigned partition is listed without an offset and without lag.
      expect(
        group.offsets.map((o: { partition: number; committedOffset: null; lag: null; memberId: string }) => [
          o.partition,
          o.committedOffset,
          o.lag,
          o.memberId,
        ]),
      ).toEqual([
        [0, null, null, group.members[0].memberId],
        [1, null, null, group.members[0].memberId],
      ]);
    } finally {
      await m.stop();
    }
  });

  test('reset-offsets --dry-run prints the plan and commits nothing', async () => {
    const before = await committed('billing');
    const result = await runnel([
      'groups',
      'reset-offsets',
      'billing',
      '--topic',
      'orders',
      '--to-latest',
      '--dry-run',
      ...b,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/billing +orders +0 +\S+ +5\n/);
    expect(result.stdout).toMatch(/\(dry run: nothing was committed\)\n$/);
    expect(await committed('billing')).toEqual(before);
  });

  test('reset-offsets to each target commits the offsets the plan printed', async () => {
    const reset = async (...target: string[]): Promise<Record<number, number | null>> => {
      const result = await runnel([
        'groups',
        'reset-offsets',
        'reset-me',
        '--topic',
        'orders',
        ...target,
        '--json',
        ...b,
      ]);
      expect(result.code).toBe(0);
      const plan = JSON.parse(result.stdout);
      const after = await committed('reset-me');
      expect(after).toEqual(
        Object.fromEntries(
          plan.partitions.map((p: { partition: number; newOffset: number }) => [p.partition, p.newOffset]),
        ),
      );
      return after;
    };
    expect(await reset('--to-latest')).toEqual({ 0: 5, 1: 3 });
    expect(await reset('--to-earliest')).toEqual({ 0: 0, 1: 0 });
    expect(await reset('--to-offset', '4')).toEqual({ 0: 4, 1: 3 }); // clamped to partition 1's end
    expect(await reset('--shift-by', '-2')).toEqual({ 0: 2, 1: 1 });
    expect(await reset('--shift-by', '10')).toEqual({ 0: 5, 1: 3 });
    expect(await reset('--to-datetime', '0')).toEqual({ 0: 0, 1: 0 });
    expect(await reset('--to-datetime', new Date(Date.now() + 3_600_000).toISOString())).toEqual({
      0: 5,
      1: 3,
    });
    const one = await runnel([
      'groups',
      'reset-offsets',
      'reset-me',
      '--topic',
      'orders:1',
      '--to-offset',
      '2',
      ...b,
    ]);
    expect(one.code).toBe(0);
    expect(await committed('reset-me')).toEqual({ 0: 5, 1: 2 });
  });

  test('reset-offsets is refused while the group has members, naming group, state and members', async () => {
    const m = await member('busy');
    try {
      const result = await runnel([
        'groups',
        'reset-offsets',
        'busy',
        '--topic',
        'orders',
        '--to-earliest',
        ...b,
      ]);
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr:
          "runnel groups: group 'busy' is Stable with 1 member(s) (member-app); stop them before resetting its offsets\n",
      });
    } finally {
      await m.stop();
    }
  });

  test('reset-offsets bad input: no target, two targets, unknown topic, nothing to shift', async () => {
    expect((await runnel(['groups', 'reset-offsets', 'billing', '--topic', 'orders', ...b])).code).toBe(2);
    expect(
      (
        await runnel([
          'groups',
          'reset-offsets',
          'billing',
          '--topic',
          'orders',
          '--to-earliest',
          '--to-latest',
          ...b,
        ])
      ).code,
    ).toBe(2);
    expect((await runnel(['groups', 'reset-offsets', 'billing', '--to-earliest', ...b])).stderr).toMatch(
      /needs --topic/,
    );
    const unknown = await runnel([
      'groups',
      'reset-offsets',
      'billing',
      '--topic',
      'nope',
      '--to-earliest',
      ...b,
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/topic 'nope': UNKNOWN_TOPIC_OR_PARTITION/);
    const shift = await runnel([
      'groups',
      'reset-offsets',
      'fresh',
      '--topic',
      'orders',
      '--shift-by',
      '1',
      ...b,
    ]);
    expect(shift).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /group 'fresh' has no committed offset for topic 'orders' partition 0 to shift/,
      ),
    });
  });

  test('delete removes an empty group; describing it afterwards fails', async () => {
    await runnel(['groups', 'reset-offsets', 'gone', '--topic', 'orders', '--to-earliest', ...b]);
    expect(await runnel(['groups', 'delete', 'gone', ...b])).toEqual({
      code: 0,
      stdout: 'Deleted group gone.\n',
      stderr: '',
    });
    expect((await runnel(['groups', 'list', '--json', ...b])).stdout).not.toMatch(/"gone"/);
    const described = await runnel(['groups', 'describe', 'gone', ...b]);
    expect(described).toEqual({
      code: 1,
      stdout: '',
      stderr: "runnel groups: group 'gone' does not exist\n",
    });
  });
});
