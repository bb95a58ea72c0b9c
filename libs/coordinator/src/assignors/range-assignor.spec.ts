import { rangeAssignor } from './range-assignor.js';
import { member, plain, topicPartitions } from './test-support/assignment-fixtures.js';

// Cases from Kafka's RangeAssignorTest.
describe('rangeAssignor', () => {
  const assign = (members: Parameters<typeof member>[], counts: Record<string, number>) =>
    plain(
      rangeAssignor.assign({
        members: members.map((m) => member(...m)),
        partitionsPerTopic: topicPartitions(counts),
      }),
    );

  it('is named range on the wire and follows the eager protocol', () => {
    expect(rangeAssignor.name).toBe('range');
    expect(rangeAssignor.supportedProtocols).toEqual(['eager']);
  });

  it('gives a consumer without topics an empty assignment', () => {
    expect(assign([['consumer1', []]], {})).toEqual({ consumer1: {} });
  });

  it('skips a subscribed topic that does not exist', () => {
    expect(assign([['consumer1', ['topic1']]], {})).toEqual({ consumer1: {} });
  });

  it('gives the only consumer every partition of every subscribed topic', () => {
    expect(assign([['consumer1', ['topic1', 'topic2']]], { topic1: 1, topic2: 2 })).toEqual({
      consumer1: { topic1: [0], topic2: [0, 1] },
    });
  });

  it('assigns nothing from topics the consumer does not subscribe to', () => {
    expect(assign([['consumer1', ['topic1']]], { topic1: 3, other: 3 })).toEqual({
      consumer1: { topic1: [0, 1, 2] },
    });
  });

  it('leaves a consumer idle when there are more consumers than partitions', () => {
    expect(
      assign(
        [
          ['consumer1', ['topic1']],
          ['consumer2', ['topic1']],
        ],
        { topic1: 1 },
      ),
    ).toEqual({ consumer1: { topic1: [0] }, consumer2: {} });
  });

  it('gives two consumers of three partitions [0, 1] and [2]', () => {
    expect(
      assign(
        [
          ['consumer2', ['topic1']],
          ['consumer1', ['topic1']],
        ],
        { topic1: 3 },
      ),
    ).toEqual({ consumer1: { topic1: [0, 1] }, consumer2: { topic1: [2] } });
  });

  it('divides each topic only among the consumers subscribed to it', () => {
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

  it('gives the first consumer the extra partition of every topic', () => {
    expect(
      assign(
        [
          ['consumer1', ['topic1', 'topic2']],
          ['consumer2', ['topic1', 'topic2']],
        ],
        { topic1: 3, topic2: 3 },
      ),
    ).toEqual({ consumer1: { topic1: [0, 1], topic2: [0, 1] }, consumer2: { topic1: [2], topic2: [2] } });
  });

  it('orders static members by group instance id, ahead of dynamic members', () => {
    expect(
      assign(
        [
          ['consumer-a', ['topic1', 'topic2']],
          ['consumer-b', ['topic1', 'topic2'], { groupInstanceId: 'instance1' }],
        ],
        { topic1: 3, topic2: 3 },
      ),
    ).toEqual({
      'consumer-b': { topic1: [0, 1], topic2: [0, 1] },
      'consumer-a': { topic1: [2], topic2: [2] },
    });
  });

  it('keeps static members on their partitions when a dynamic member is replaced', () => {
    const statics: Parameters<typeof member>[] = [1, 2, 3].map((i) => [
      `consumer${i}`,
      ['topic1', 'topic2'],
      { groupInstanceId: `instance${i}` },
    ]);
    const expected = {
      consumer1: { topic1: [0, 1], topic2: [0] },
      consumer2: { topic1: [2], topic2: [1] },
      consumer3: { topic1: [3], topic2: [2] },
    };
    const counts = { topic1: 5, topic2: 4 };
    expect(assign([...statics, ['consumer4', ['topic1', 'topic2']]], counts)).toEqual({
      ...expected,
      consumer4: { topic1: [4], topic2: [3] },
    });
    expect(assign([...statics, ['consumer5', ['topic1', 'topic2']]], counts)).toEqual({
      ...expected,
      consumer5: { topic1: [4], topic2: [3] },
    });
  });

  it('rejects a group that lists a member id twice', () => {
    expect(() =>
      assign(
        [
          ['consumer1', ['topic1']],
          ['consumer1', ['topic1']],
        ],
        { topic1: 1 },
      ),
    ).toThrow('memberId "consumer1" appears more than once');
  });
});
