import {
  parseAcks,
  parseBrokers,
  parseCommandArgs,
  parseInteger,
  parseKeyValue,
  parseOffset,
  parseShift,
  parseTimestamp,
  parseTopicPartitions,
} from './args.js';
import { HelpRequested, UsageError } from './usage-error.js';

describe('parseCommandArgs', () => {
  test('takes -b, then RUNNEL_BOOTSTRAP, then 127.0.0.1:9092', () => {
    expect(parseCommandArgs(['-b', 'h1:1,h2:2'], {}, { RUNNEL_BOOTSTRAP: 'x:3' }).globals.brokers).toEqual([
      'h1:1',
      'h2:2',
    ]);
    expect(parseCommandArgs([], {}, { RUNNEL_BOOTSTRAP: 'x:3' }).globals.brokers).toEqual(['x:3']);
    expect(parseCommandArgs([], {}, {}).globals.brokers).toEqual(['127.0.0.1:9092']);
  });

  test('--help (or -h) anywhere asks for the usage, before other arguments are checked', () => {
    expect(() => parseCommandArgs(['-h'], {}, {})).toThrow(HelpRequested);
    expect(() => parseCommandArgs(['x', '--help', '-b', 'bad'], {}, {})).toThrow(HelpRequested);
    const { values } = parseCommandArgs(['--format=-h'], { format: { type: 'string' } }, {});
    expect(values.format).toBe('-h');
  });

  test('a value starting with - is the value of the option before it, unless it is an option', () => {
    const specs = {
      'shift-by': { type: 'string' },
      'key-separator': { type: 'string' },
      topic: { type: 'string' },
    } as const;
    const { values } = parseCommandArgs(['--shift-by', '-2', '--key-separator', '-'], specs, {});
    expect(values).toMatchObject({ 'shift-by': '-2', 'key-separator': '-' });
    expect(() => parseCommandArgs(['--topic', '--json'], specs, {})).toThrow(UsageError);
    expect(() => parseCommandArgs(['--topic', '-b', 'h:1'], specs, {})).toThrow(UsageError);
  });

  test('an unknown option or a missing value is a UsageError of one line', () => {
    expect(() => parseCommandArgs(['--nope'], {}, {})).toThrow(UsageError);
    expect(() => parseCommandArgs(['--nope'], {}, {})).toThrow(/^Unknown option '--nope'/);
    expect(() => parseCommandArgs(['--topic'], { topic: { type: 'string' } }, {})).toThrow(UsageError);
  });
});

describe('value parsers name the flag, the value and the limit', () => {
  test('brokers', () => {
    expect(() => parseBrokers('localhost')).toThrow(
      "--bootstrap-server entry 'localhost' is not host:port with a port from 1 to 65535",
    );
    expect(() => parseBrokers('h:70000')).toThrow(UsageError);
    expect(parseBrokers('[::1]:9092')).toEqual(['[::1]:9092']);
  });

  test('integers and offsets', () => {
    expect(parseInteger('--partitions', '3', 1)).toBe(3);
    expect(() => parseInteger('--partitions', '0', 1, 10)).toThrow(
      "--partitions '0' is not a whole number from 1 to 10",
    );
    expect(() => parseInteger('--partitions', '1.5', 1)).toThrow(UsageError);
    expect(parseOffset('--offset', '9223372036854775807')).toBe(9223372036854775807n);
    expect(() => parseOffset('--offset', '9223372036854775808')).toThrow(/is not an offset/);
    expect(() => parseOffset('--offset', '-1')).toThrow(/is not an offset/);
    expect(parseShift('--shift-by', '-5')).toBe(-5n);
    expect(() => parseShift('--shift-by', '5x')).toThrow(UsageError);
  });

  test('timestamps: ms since the epoch or ISO 8601', () => {
    expect(parseTimestamp('--from-time', '1700000000000')).toBe(1700000000000);
    expect(parseTimestamp('--from-time', '2026-12-01T20:00:00Z')).toBe(Date.UTC(2026, 11, 1, 20));
    expect(parseTimestamp('--from-time', '2026-12-01')).toBe(Date.UTC(2026, 11, 1));
    expect(() => parseTimestamp('--from-time', 'tomorrow')).toThrow(/--from-time 'tomorrow' is neither/);
    expect(() => parseTimestamp('--from-time', '2026-13-45')).toThrow(UsageError);
  });

  test('key=value, acks, topic:partitions', () => {
    expect(parseKeyValue('--config', 'retention.ms=1=2')).toEqual(['retention.ms', '1=2']);
    expect(() => parseKeyValue('--config', '=x')).toThrow("--config '=x' is not key=value");
    expect([parseAcks('all'), parseAcks('-1'), parseAcks('0'), parseAcks('1')]).toEqual([-1, -1, 0, 1]);
    expect(() => parseAcks('2')).toThrow(UsageError);
    expect(parseTopicPartitions('--topic', 'orders')).toEqual({ topic: 'orders' });
    expect(parseTopicPartitions('--topic', 'orders:0,2')).toEqual({ topic: 'orders', partitions: [0, 2] });
    expect(() => parseTopicPartitions('--topic', 'orders:x')).toThrow(/--topic partition 'x'/);
    expect(() => parseTopicPartitions('--topic', ':1')).toThrow(/needs a topic name/);
  });
});
