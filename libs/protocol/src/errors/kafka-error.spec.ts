import { ErrorCode } from './error-codes.js';
import { isRetriable, KafkaError } from './kafka-error.js';
import { ProtocolError } from './protocol-error.js';

describe('KafkaError', () => {
  it('carries code, name and retriability of its entry', () => {
    const error = KafkaError.fromCode(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('KafkaError');
    expect(error.code).toBe(6);
    expect(error.errorName).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(error.retriable).toBe(true);
    expect(error.message).toMatch(/^NOT_LEADER_OR_FOLLOWER \(6\): For requests intended only for the leader/);
  });

  it('puts the context in front of the message', () => {
    const error = KafkaError.fromCode(ErrorCode.OFFSET_OUT_OF_RANGE, {
      context: "topic 'orders' partition 3",
    });
    expect(error.message).toBe(
      "topic 'orders' partition 3: OFFSET_OUT_OF_RANGE (1): The requested offset is not within the range of offsets maintained by the server.",
    );
    expect(error.context).toBe("topic 'orders' partition 3");
  });

  it("replaces Kafka's description with the response's error message when there is one", () => {
    const withMessage = KafkaError.fromCode(ErrorCode.TOPIC_ALREADY_EXISTS, {
      context: "topic 'orders'",
      message: "Topic 'orders' already exists.",
    });
    expect(withMessage.message).toBe(
      "topic 'orders': TOPIC_ALREADY_EXISTS (36): Topic 'orders' already exists.",
    );
    const withNull = KafkaError.fromCode(ErrorCode.TOPIC_ALREADY_EXISTS, { message: null });
    expect(withNull.message).toBe('TOPIC_ALREADY_EXISTS (36): Topic with this name already exists.');
  });

  it('keeps the cause', () => {
    const cause = new Error('socket closed');
    expect(KafkaError.fromCode(ErrorCode.NETWORK_EXCEPTION, { cause }).cause).toBe(cause);
  });

  it('keeps an unknown wire code while naming it UNKNOWN_SERVER_ERROR', () => {
    const error = KafkaError.fromCode(777);
    expect(error.code).toBe(777);
    expect(error.errorName).toBe('UNKNOWN_SERVER_ERROR');
    expect(error.retriable).toBe(false);
    expect(error.message).toContain('777');
  });

  it('refuses to make an error of NONE', () => {
    expect(() => KafkaError.fromCode(ErrorCode.NONE)).toThrow(RangeError);
  });

  it('throws for any code but NONE, like Kafka’s maybeThrow', () => {
    expect(() => KafkaError.throwIfError(ErrorCode.NONE)).not.toThrow();
    expect(() =>
      KafkaError.throwIfError(ErrorCode.ILLEGAL_GENERATION, { context: "group 'billing'" }),
    ).toThrow("group 'billing': ILLEGAL_GENERATION (22)");
  });
});

describe('isRetriable', () => {
  it('is true only for retriable Kafka errors', () => {
    expect(isRetriable(KafkaError.fromCode(ErrorCode.REQUEST_TIMED_OUT))).toBe(true);
    expect(isRetriable(KafkaError.fromCode(ErrorCode.INVALID_REQUEST))).toBe(false);
    expect(isRetriable(new ProtocolError('short frame'))).toBe(false);
    expect(isRetriable('REQUEST_TIMED_OUT')).toBe(false);
  });
});
