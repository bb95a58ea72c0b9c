import { AdminAggregateError, RunnelError } from '@runnel/client';
import { ErrorCode, KafkaError } from '@runnel/protocol';
import { lineToMessage } from './commands/produce.js';
import { describeError } from './describe-error.js';

describe('describeError', () => {
  test('a broker error keeps its context, name, code and message on one line', () => {
    const err = KafkaError.fromCode(ErrorCode.OFFSET_OUT_OF_RANGE, { context: "topic 'orders' partition 3" });
    expect(describeError(err)).toBe(
      "topic 'orders' partition 3: OFFSET_OUT_OF_RANGE (1): The requested offset is not within the range of offsets maintained by the server.",
    );
  });

  test('a cause is added only when it says something new; newlines are folded', () => {
    expect(describeError(new RunnelError('connect failed', { cause: new Error('ECONNREFUSED') }))).toBe(
      'connect failed (ECONNREFUSED)',
    );
    expect(describeError(new AdminAggregateError('deleteGroups', [new Error('a'), new Error('b')]))).toBe(
      'deleteGroups: 2 failures: a; b',
    );
    expect(describeError(new Error('one\n  two'))).toBe('one two');
    expect(describeError('plain')).toBe('plain');
  });
});

describe('lineToMessage', () => {
  test('splits at the first separator; no separator or none given means no key', () => {
    expect(lineToMessage('k:v:w', ':')).toEqual({ key: 'k', value: 'v:w' });
    expect(lineToMessage('k::v', '::')).toEqual({ key: 'k', value: 'v' });
    expect(lineToMessage('plain', ':')).toEqual({ key: null, value: 'plain' });
    expect(lineToMessage('a:b', undefined)).toEqual({ key: null, value: 'a:b' });
    expect(lineToMessage(':v', ':')).toEqual({ key: '', value: 'v' });
  });
});
