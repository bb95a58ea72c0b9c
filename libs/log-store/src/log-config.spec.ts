import { DEFAULT_LOG_CONFIG, resolveLogConfig } from './log-config.js';

describe('log config', () => {
  it('defaultsAreKafkas', () => {
    expect(resolveLogConfig()).toEqual({
      segmentBytes: 1073741824,
      segmentMs: 604800000,
      retentionMs: 604800000,
      retentionBytes: -1,
      cleanupPolicy: 'delete',
      deleteRetentionMs: 86400000,
      minCleanableDirtyRatio: 0.5,
      maxMessageBytes: 1048588,
      indexIntervalBytes: 4096,
      segmentIndexBytes: 10485760,
      flushMessages: Number.POSITIVE_INFINITY,
      flushMs: Number.POSITIVE_INFINITY,
    });
    expect(Object.isFrozen(DEFAULT_LOG_CONFIG)).toBe(true);
  });

  it('overridesKeepTheOtherDefaults', () => {
    expect(resolveLogConfig({ segmentBytes: 1024, cleanupPolicy: 'delete,compact' })).toMatchObject({
      segmentBytes: 1024,
      cleanupPolicy: 'compact,delete',
      retentionMs: 604800000,
    });
    expect(resolveLogConfig({ retentionMs: -1, flushMessages: 1, flushMs: 0 })).toMatchObject({
      retentionMs: -1,
      flushMessages: 1,
    });
  });

  it('badValuesAreRefusedNamingTheOptionValueAndLimit', () => {
    expect(() => resolveLogConfig({ segmentBytes: 10 })).toThrow(
      'log option segmentBytes is 10; it must be between 61 and 2147483647',
    );
    expect(() => resolveLogConfig({ segmentBytes: 2 ** 31 })).toThrow(/segmentBytes is 2147483648/);
    expect(() => resolveLogConfig({ indexIntervalBytes: 1.5 })).toThrow(
      'log option indexIntervalBytes is 1.5; it must be an integer',
    );
    expect(() => resolveLogConfig({ minCleanableDirtyRatio: 1.1 })).toThrow(/between 0 and 1/);
    expect(() => resolveLogConfig({ retentionBytes: Number.POSITIVE_INFINITY })).toThrow(
      /retentionBytes is Infinity/,
    );
    expect(() => resolveLogConfig({ flushMessages: 0 })).toThrow(/flushMessages is 0/);
    expect(() => resolveLogConfig({ segmentMs: Number.NaN })).toThrow(
      'log option segmentMs is NaN; it must be a number',
    );
    expect(() => resolveLogConfig({ cleanupPolicy: 'archive' as 'delete' })).toThrow(
      /cleanupPolicy is 'archive'/,
    );
    expect(() => resolveLogConfig({ segmentByte: 5 } as object)).toThrow(/'segmentByte' is not a log option/);
  });
});
