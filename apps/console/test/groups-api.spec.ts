import { type Consumer, Runnel } from '@runnel/client';
import { type ConsoleUnderTest, eventually, startConsole } from './console-support.js';

/** The consumer-group endpoints of the JSON API against the embedded broker: lag, history, resets. */
describe('console API: consumer groups', () => {
  let t: ConsoleUnderTest;
  let runnel: Runnel;

  beforeAll(async () => {
    t = await startConsole();
    runnel = new Runnel({ clientId: 'console-spec', brokers: [t.broker.bootstrapServers] });
  });
  afterAll(() => t.close());

  describe('consumer groups', () => {
    const topic = 'lagging';
    const groupId = 'slow-readers';
    let consumer: Consumer | undefined;

    beforeAll(async () => {
      await t.call('POST', '/api/topics', { name: topic, partitions: 2, replicationFactor: 1 });
      for (let i = 0; i < 6; i++)
        await t.call('POST', `/api/topics/${topic}/messages`, {
          key: null,
          value: `m${i}`,
          partition: i % 2,
        });
    });
    afterAll(() => consumer?.disconnect());

    interface Detail {
      state: string;
      members: number;
      totalLag: number;
      memberList: { memberId: string; assignment: { topic: string; partitions: number[] }[] }[];
      offsets: {
        topic: string;
        partition: number;
        committed: string | null;
        end: string;
        lag: number | null;
        memberId: string | null;
      }[];
    }

    it('GET /api/groups and /api/groups/:id: state, members, assignments, per-partition and total lag', async () => {
      consumer = runnel.consumer({ groupId, autoCommitIntervalMs: 50 });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      let seen = 0;
      await consumer.run({ eachMessage: async () => void seen++ });
      const detail = await eventually(async () => {
        const { body } = await t.call<Detail>('GET', `/api/groups/${groupId}`);
        expect(body).toMatchObject({ state: 'Stable', members: 1, totalLag: 0 });
        expect(body.offsets.map((o) => o.committed)).toEqual(['3', '3']);
        return body;
      });
      expect(seen).toBe(6);
      expect(detail.memberList[0]!.assignment).toEqual([{ topic, partitions: [0, 1] }]);
      expect(detail.offsets[0]).toMatchObject({
        topic,
        partition: 0,
        end: '3',
        lag: 0,
        memberId: detail.memberList[0]!.memberId,
      });
      const { body: groups } = await t.call<
        { groupId: string; state: string; totalLag: number; topics: string[] }[]
      >('GET', '/api/groups');
      expect(groups).toContainEqual(
        expect.objectContaining({ groupId, state: 'Stable', totalLag: 0, members: 1, topics: [topic] }),
      );
    });

    it('refuses to reset a group with members (409)', async () => {
      const refused = await t.call<{ message: string }>('POST', `/api/groups/${groupId}/reset-offsets`, {
        to: 'earliest',
        dryRun: true,
      });
      expect(refused.status).toBe(409);
      expect(refused.body.message).toContain("group 'slow-readers' is Stable with 1 member(s)");
    });

    it('resets offsets of a group without members: a dry run changes nothing, then earliest, an offset, a time', async () => {
      await consumer!.disconnect();
      consumer = undefined;
      await eventually(async () =>
        expect((await t.call<Detail>('GET', `/api/groups/${groupId}`)).body.state).toBe('Empty'),
      );
      const dry = await t.call<{ dryRun: boolean; partitions: unknown[] }>(
        'POST',
        `/api/groups/${groupId}/reset-offsets`,
        { to: 'earliest', dryRun: true },
      );
      expect(dry).toMatchObject({ status: 200, body: { dryRun: true } });
      expect(dry.body.partitions).toEqual([
        { topic, partition: 0, current: '3', target: '0' },
        { topic, partition: 1, current: '3', target: '0' },
      ]);
      expect((await t.call<Detail>('GET', `/api/groups/${groupId}`)).body.totalLag).toBe(0);

      await t.call('POST', `/api/groups/${groupId}/reset-offsets`, { to: 'earliest', dryRun: false });
      const reset = (await t.call<Detail>('GET', `/api/groups/${groupId}`)).body;
      expect(reset.totalLag).toBe(6);
      expect(reset.offsets.map((o) => [o.committed, o.lag])).toEqual([
        ['0', 3],
        ['0', 3],
      ]);

      await t.call('POST', `/api/groups/${groupId}/reset-offsets`, {
        topic,
        to: 'offset',
        offset: '2',
        dryRun: false,
      });
      expect((await t.call<Detail>('GET', `/api/groups/${groupId}`)).body.totalLag).toBe(2);
      const future = await t.call<{ partitions: { target: string }[] }>(
        'POST',
        `/api/groups/${groupId}/reset-offsets`,
        { to: 'timestamp', timestamp: Date.now() + 60_000, dryRun: true },
      );
      expect(future.body.partitions.map((p) => p.target)).toEqual(['3', '3']);
      expect(
        await t.call('POST', `/api/groups/${groupId}/reset-offsets`, { to: 'offset', dryRun: true }),
      ).toMatchObject({ status: 400 });
      expect(
        await t.call('POST', `/api/groups/${groupId}/reset-offsets`, { to: 'sideways', dryRun: true }),
      ).toMatchObject({ status: 400 });
    });

    it('GET /api/groups/:id/lag-history: the lag the console sampled', async () => {
      const history = await eventually(async () => {
        const { body } = await t.call<{ samples: { time: number; lag: number }[] }>(
          'GET',
          `/api/groups/${groupId}/lag-history`,
        );
        expect(body.samples.at(-1)?.lag).toBe(2);
        return body.samples;
      });
      expect(history.every((s, i) => i === 0 || s.time >= history[i - 1]!.time)).toBe(true);
      const { body: all } = await t.call<{
        times: number[];
        series: { groupId: string; lags: (number | null)[] }[];
      }>('GET', '/api/lag-history');
      const series = all.series.find((s) => s.groupId === groupId)!;
      expect(series.lags).toHaveLength(all.times.length);
      expect(series.lags.filter((lag) => lag !== null).length).toBeGreaterThanOrEqual(history.length);
      expect(await t.call('GET', '/api/groups/nobody/lag-history')).toEqual({
        status: 200,
        body: { groupId: 'nobody', samples: [] },
      });
    });

    it('404 for a group that does not exist', async () => {
      expect(await t.call('GET', '/api/groups/nobody')).toMatchObject({
        status: 404,
        body: { message: "group 'nobody' does not exist" },
      });
    });
  });

  it('a group that committed offsets of a topic deleted since is listed with them, their end unknown, and a reset of all its topics leaves them out', async () => {
    await t.call('POST', '/api/topics', { name: 'kept', partitions: 1, replicationFactor: 1 });
    await t.call('POST', '/api/topics', { name: 'dropped', partitions: 1, replicationFactor: 1 });
    await t.call('POST', '/api/topics/kept/messages', { value: 'a' });
    await t.call('POST', '/api/groups/orphan/reset-offsets', {
      topic: 'kept',
      to: 'earliest',
      dryRun: false,
    });
    await t.call('POST', '/api/groups/orphan/reset-offsets', {
      topic: 'dropped',
      to: 'earliest',
      dryRun: false,
    });
    expect((await t.call<{ topics: string[] }>('GET', '/api/groups/orphan')).body.topics).toEqual([
      'dropped',
      'kept',
    ]);
    await t.call('DELETE', '/api/topics/dropped');
    const { status, body } = await t.call<{ groupId: string; topics: string[]; totalLag: number }[]>(
      'GET',
      '/api/groups',
    );
    expect(status).toBe(200);
    expect(body).toContainEqual(
      expect.objectContaining({ groupId: 'orphan', topics: ['dropped', 'kept'], totalLag: 1 }),
    );
    const { offsets } = (await t.call<{ offsets: { topic: string }[] }>('GET', '/api/groups/orphan')).body;
    expect(offsets.sort((a, b) => a.topic.localeCompare(b.topic))).toMatchObject([
      { topic: 'dropped', committed: '0', end: null, lag: null },
      { topic: 'kept', committed: '0', end: '1', lag: 1 },
    ]);
    expect(
      await t.call('POST', '/api/groups/orphan/reset-offsets', { to: 'latest', dryRun: true }),
    ).toMatchObject({
      status: 200,
      body: { partitions: [{ topic: 'kept', partition: 0, current: '0', target: '1' }] },
    });
  });
});
