import { resolveConfig } from '../config/load-config.js';
import { InvalidConfigError, logOptionsFor, validateTopicConfigs } from './topic-configs.js';

describe('topic configs', () => {
  it("normalises Kafka's spellings of values", () => {
    expect(
      validateTopicConfigs({
        'cleanup.policy': 'delete, compact',
        'retention.ms': ' 60000 ',
        'segment.ms': '9223372036854775807',
        'min.cleanable.dirty.ratio': '.25',
      }),
    ).toEqual({
      'cleanup.policy': 'delete,compact',
      'retention.ms': '60000',
      'segment.ms': '9223372036854775807',
      'min.cleanable.dirty.ratio': '0.25',
    });
  });

  it.each([
    [
      { 'retention.bytez': '1' },
      /^Unknown topic config name: retention.bytez \(this broker supports cleanup.policy, /,
    ],
    [
      { 'retention.ms': 'soon' },
      /^Invalid value soon for configuration retention.ms: Not a number of type LONG$/,
    ],
    [
      { 'retention.ms': '1e3' },
      /^Invalid value 1e3 for configuration retention.ms: Not a number of type LONG$/,
    ],
    [{ 'retention.ms': '-2' }, /^Invalid value -2 for configuration retention.ms: .*between -1 and/],
    [
      { 'segment.bytes': '3000000000' },
      /^Invalid value 3000000000 for configuration segment.bytes: .*2147483647/,
    ],
    [{ 'segment.bytes': '12' }, /^Invalid value 12 for configuration segment.bytes: /],
    [{ 'cleanup.policy': 'archive' }, /^Invalid value archive for configuration cleanup.policy: /],
    [
      { 'retention.ms': '99999999999999999999' },
      /retention.ms: out of range \(use 9223372036854775807 for "never"\)/,
    ],
    [
      { 'retention.ms': null, 'segment.ms': null },
      /^Null value not supported for topic configs: retention.ms,segment.ms$/,
    ],
  ])('refuses %j naming the config and the value', (configs, message) => {
    expect(() => validateTopicConfigs(configs)).toThrow(InvalidConfigError);
    expect(() => validateTopicConfigs(configs)).toThrow(message);
  });

  it("takes the broker's log settings for what the topic does not set, and reads Long.MAX_VALUE as never", () => {
    const config = resolveConfig({ logRetentionMs: 1000, logCleanupPolicy: 'compact' });
    expect(
      logOptionsFor(config, { 'segment.ms': '9223372036854775807', 'cleanup.policy': 'delete' }),
    ).toMatchObject({
      retentionMs: 1000,
      cleanupPolicy: 'delete',
      segmentMs: Number.POSITIVE_INFINITY,
      maxMessageBytes: config.messageMaxBytes,
    });
  });
});
