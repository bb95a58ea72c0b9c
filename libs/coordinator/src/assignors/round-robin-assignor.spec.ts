import { roundRobinAssignor } from './round-robin-assignor.js';
import { member, plain, topicPartitions } from './test-support/assignment-fixtures.js';

// Cases from Kafka's RoundRobinAssignorTest.
describe('roundRobinAssignor', () => {
  const assign = (members: Parameters<typeof member>[], counts: Record<string, number>) =>
    plain(
      roundRobinAssignor.assign({
        members: members.map((m) => member(...m)),
        partitionsPerTopic: topicPartitions(counts),
      }),
    );

  it('is named roundrobin on the wire and follows the eager protocol', () => {
    expect(roundRobinAssignor.name).toBe('roundrobin');
    expect(roundRobinAssignor.supportedProtocols).toEqual(['eager']);
  });

  it('gives a consumer without topics, or with a nonexistent topic, an empty assignment', () => {
    expect(assign([['consumer', []]], {})).toEqual({ consumer: {} });
    expect(assign([['consumer', ['topic']]], {})).toEqual({ consumer: {} });
  });

  it('gives the only consumer every partition of its topics and none of others', () => {
    expect(assign([['consumer', ['topic1', 'topic2']]], { topic1: 1, topic2: 2, other: 3 })).toEqual({
      consumer: { topic1: [0], topic2: [0, 1] },
    });
  });

  it('leaves a consumer idle when there are more consumers than partitions', () => {
    expect(
      assign(
        [
          ['consumer1', ['topic']],
          ['consumer2', ['topic']],
        ],
        { topic: 1 },
      ),
    ).toEqual({ consumer1: { topic: [0] }, consumer2: {} });
  });

  it('passes over consumers not subscribed to the topic being dealt', () => {
    expect(
      assign(
        [
          ['consumer1', ['topic1']],
          ['consumer2', ['topic1', 'topic2']],
          ['consumer3', ['topic1']],
        ],
        { topic1: 3, topic2: 2 },
      ),
    ).toEqual({
      consumer1: { topic1: [0] },
      consumer2: { topic1: [1], topic2: [0, 1] },
      consumer3: { topic1: [2] },
    });
  });

  it('deals across topics without restarting at the first consumer', () => {
    expect(
      assign(
        [
          ['consumer2', ['topic1', 'topic2']],
          ['consumer1', ['topic1', 'topic2']],
        ],
        { topic1: 3, topic2: 3 },
      ),
    ).toEqual({ consumer1: { topic1: [0, 2], topic2: [1] }, consumer2: { topic1: [1], topic2: [0, 2] } });
  });

  it('keeps static members on their partitions when a dynamic member is replaced', () => {
    const statics: Parameters<typeof member>[] = [1, 2, 3].map((i) => [
      `consumer${i}`,
      ['topic1', 'topic2'],
      { groupInstanceId: `instance${i}` },
    ]);
    const expected = {
      consumer1: { topic1: [0], topic2: [1] },
      consumer2: { topic1: [1], topic2: [2] },
      consumer3: { topic1: [2] },
    };
    const counts = { topic1: 3, topic2: 3 };
    expect(assign([...statics, ['consumer4', ['topic1', 'topic2']]], counts)).toEqual({
      ...expected,
      consumer4: { topic2: [0] },
    });
    expect(assign([...statics, ['consumer5', ['topic1', 'topic2']]], counts)).toEqual({
      ...expected,
      consumer5: { topic2: [0] },
    });
  });

  it('follows a static member to its new member id', () => {
    const group = (ids: string[]) =>
      assign(
        ids.map((id, i) => [id, ['topic1', 'topic2'], { groupInstanceId: `instance${i + 1}` }]),
        { topic1: 3, topic2: 3 },
      );
    const before = group(['consumer1', 'consumer2', 'consumer3']);
    const after = group(['consumer4', 'consumer5', 'consumer1']);
    expect(Object.values(after)).toEqual(Object.values(before));
    expect(after.consumer4).toEqual({ topic1: [0], topic2: [0] });
  });
});
