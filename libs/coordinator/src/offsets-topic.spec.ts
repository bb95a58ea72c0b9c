import { offsetsTopicPartitionFor } from './offsets-topic.js';

describe('offsetsTopicPartitionFor', () => {
  it("matches Kafka's abs(groupId.hashCode) % partitions, Java hash codes included", () => {
    // "hello".hashCode() == 99162322 and "Hello World".hashCode() == -862545276 in Java.
    expect(offsetsTopicPartitionFor('hello', 50)).toBe(99162322 % 50);
    expect(offsetsTopicPartitionFor('Hello World', 50)).toBe(862545276 % 50);
    expect(offsetsTopicPartitionFor('', 50)).toBe(0);
  });

  it("maps a hash code of Integer.MIN_VALUE to partition 0, as Kafka's Utils.abs does", () => {
    // "polygenelubricants".hashCode() == Integer.MIN_VALUE; Math.abs would give 2147483648 % 50 = 48.
    expect(offsetsTopicPartitionFor('polygenelubricants', 50)).toBe(0);
  });

  it('uses 50 partitions by default (offsets.topic.num.partitions)', () => {
    expect(offsetsTopicPartitionFor('Hello World')).toBe(26);
  });
});
