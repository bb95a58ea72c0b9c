import { CompressionType, RoundRobinPartitioner, StickyPartitioner } from '@runnel/protocol';
import { ProducerConfigError } from './producer-errors.js';
import { PRODUCER_DEFAULTS, resolveProducerOptions } from './producer-options.js';

describe('resolveProducerOptions', () => {
  it("fills in Kafka's defaults: acks -1, idempotent, sticky, 16 KiB batches, 5 ms linger", () => {
    const o = resolveProducerOptions();
    expect(o).toMatchObject({
      acks: -1,
      idempotent: true,
      compression: CompressionType.None,
      batchSize: 16384,
      lingerMs: 5,
      bufferMemory: 33554432,
      maxBlockMs: 60000,
      maxRequestSize: 1048576,
      maxInFlightRequests: 5,
      requestTimeoutMs: 30000,
      deliveryTimeoutMs: 120000,
      retries: 2147483647,
      retryBackoffMs: 100,
    });
    expect(o.partitioner).toBeInstanceOf(StickyPartitioner);
    expect(PRODUCER_DEFAULTS.acks).toBe(-1);
  });

  it('turns idempotence off by itself when it is left unset and acks is not -1, as Java does', () => {
    expect(resolveProducerOptions({ acks: 1 }).idempotent).toBe(false);
    expect(resolveProducerOptions({ maxInFlightRequests: 6 }).idempotent).toBe(false);
  });

  it('refuses idempotence that was asked for with settings that break it, naming the option', () => {
    expect(() => resolveProducerOptions({ idempotent: true, acks: 1 })).toThrow(
      'producer option acks = 1: must be -1 when idempotent is true',
    );
    expect(() => resolveProducerOptions({ idempotent: true, maxInFlightRequests: 6 })).toThrow(
      /maxInFlightRequests = 6: must be at most 5/,
    );
  });

  it('refuses values outside their range with the option, the value and the limit', () => {
    expect(() => resolveProducerOptions({ batchSize: -1 })).toThrow(ProducerConfigError);
    expect(() => resolveProducerOptions({ lingerMs: 1.5 })).toThrow(/lingerMs = 1.5: must be an integer/);
    expect(() => resolveProducerOptions({ deliveryTimeoutMs: 1000 })).toThrow(
      'producer option deliveryTimeoutMs = 1000: must be at least lingerMs + requestTimeoutMs (30005)',
    );
    expect(() => resolveProducerOptions({ acks: 2 as never })).toThrow(/acks = 2: must be 0, 1 or -1/);
    expect(() => resolveProducerOptions({ compression: 'brotli' as never })).toThrow(/compression = brotli/);
  });

  it('takes a partitioner by name, as an object or as a function', () => {
    expect(resolveProducerOptions({ partitioner: 'round-robin' }).partitioner).toBeInstanceOf(
      RoundRobinPartitioner,
    );
    const fn = resolveProducerOptions({ partitioner: () => 2 }).partitioner;
    expect(fn.partition({ topic: 't', partitionCount: 3, key: null, value: null })).toBe(2);
    expect(() => resolveProducerOptions({ partitioner: 'hash' as never })).toThrow(/partitioner = hash/);
  });
});
