import { ERROR_CODES, ErrorCode, errorByCode, isKnownErrorCode } from './error-codes.js';

describe('error codes', () => {
  it('gives every code and every name to exactly one entry', () => {
    const codes = ERROR_CODES.map((e) => e.code);
    const names = ERROR_CODES.map((e) => e.name);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(names).size).toBe(names.length);
  });

  it('covers every code from -1 to 100 without a gap', () => {
    expect(ERROR_CODES.map((e) => e.code)).toEqual(Array.from({ length: 102 }, (_, i) => i - 1));
  });

  it('keeps codes within int16, as on the wire', () => {
    for (const { code } of ERROR_CODES) expect(code).toBe((code << 16) >> 16);
  });

  it('exposes codes by name', () => {
    expect(ErrorCode.UNKNOWN_SERVER_ERROR).toBe(-1);
    expect(ErrorCode.NONE).toBe(0);
    expect(ErrorCode.OFFSET_OUT_OF_RANGE).toBe(1);
    expect(ErrorCode.NOT_LEADER_OR_FOLLOWER).toBe(6);
    expect(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS).toBe(14);
    expect(ErrorCode.REBALANCE_IN_PROGRESS).toBe(27);
    expect(ErrorCode.UNSUPPORTED_VERSION).toBe(35);
    expect(ErrorCode.INVALID_REQUEST).toBe(42);
    expect(ErrorCode.SASL_AUTHENTICATION_FAILED).toBe(58);
    expect(ErrorCode.NON_EMPTY_GROUP).toBe(68);
    expect(ErrorCode.GROUP_ID_NOT_FOUND).toBe(69);
    expect(ErrorCode.MEMBER_ID_REQUIRED).toBe(79);
    expect(ErrorCode.FENCED_INSTANCE_ID).toBe(82);
  });

  it('agrees with the by-name constants for every entry', () => {
    for (const entry of ERROR_CODES) expect(ErrorCode[entry.name]).toBe(entry.code);
  });

  it('looks entries up by code', () => {
    expect(errorByCode(3)).toMatchObject({ name: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true });
    expect(errorByCode(3).message).toBe('This server does not host this topic-partition.');
    expect(errorByCode(36).name).toBe('TOPIC_ALREADY_EXISTS');
  });

  it("marks retriability as Kafka's exception classes do", () => {
    const retriable = (code: number) => errorByCode(code).retriable;
    expect(retriable(ErrorCode.NOT_LEADER_OR_FOLLOWER)).toBe(true);
    expect(retriable(ErrorCode.LEADER_NOT_AVAILABLE)).toBe(true);
    expect(retriable(ErrorCode.REQUEST_TIMED_OUT)).toBe(true);
    expect(retriable(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)).toBe(true);
    expect(retriable(ErrorCode.NOT_COORDINATOR)).toBe(true);
    expect(retriable(ErrorCode.NOT_ENOUGH_REPLICAS)).toBe(true);
    expect(retriable(ErrorCode.CORRUPT_MESSAGE)).toBe(true);
    expect(retriable(ErrorCode.UNKNOWN_SERVER_ERROR)).toBe(false);
    expect(retriable(ErrorCode.OFFSET_OUT_OF_RANGE)).toBe(false);
    expect(retriable(ErrorCode.BROKER_NOT_AVAILABLE)).toBe(false);
    expect(retriable(ErrorCode.MESSAGE_TOO_LARGE)).toBe(false);
    expect(retriable(ErrorCode.REBALANCE_IN_PROGRESS)).toBe(false);
    expect(retriable(ErrorCode.UNKNOWN_MEMBER_ID)).toBe(false);
    expect(retriable(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)).toBe(false);
    expect(retriable(ErrorCode.SASL_AUTHENTICATION_FAILED)).toBe(false);
  });

  it('treats an unknown code as a non-retriable UNKNOWN_SERVER_ERROR that keeps the code', () => {
    expect(isKnownErrorCode(4242)).toBe(false);
    expect(isKnownErrorCode(-1)).toBe(true);
    const entry = errorByCode(4242);
    expect(entry).toMatchObject({ code: 4242, name: 'UNKNOWN_SERVER_ERROR', retriable: false });
    expect(entry.message).toContain('4242');
  });
});
