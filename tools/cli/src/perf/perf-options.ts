import type { ProducerOptions } from '@runnel/client';
import {
  type ParsedValues,
  parseAcks,
  parseCompression,
  parseInteger,
  parseNumber,
  stringOption,
} from '../args.js';
import { UsageError } from '../usage-error.js';

/** Options of `runnel perf`, named as kafka-producer-perf-test.sh and kafka-consumer-perf-test.sh name them. */
export const PERF_OPTIONS = {
  topic: { type: 'string' },
  'num-records': { type: 'string' },
  'record-size': { type: 'string' },
  throughput: { type: 'string' },
  acks: { type: 'string' },
  'batch-size': { type: 'string' },
  'linger-ms': { type: 'string' },
  compression: { type: 'string' },
  partitioner: { type: 'string' },
  keys: { type: 'string' },
  'reporting-interval': { type: 'string' },
} as const;

export interface PerfOptions {
  topic: string;
  /** `--num-records` (default 100000; e2e 10000, one at a time). */
  numRecords: number;
  /** `--record-size` in bytes (default 100). */
  recordSize: number;
  /** `--throughput`: records/s at most; -1 (default) no cap. */
  throughput: number;
  /** `--keys N`: records keyed `key-0` .. `key-(N-1)` in turn; 0 (default) unkeyed. */
  keys: number;
  /** `--reporting-interval` ms between plain progress lines (default 5000, as Kafka's). */
  reportingIntervalMs: number;
  producer: ProducerOptions;
}

export function parsePerfOptions(values: ParsedValues, defaultRecords: number): PerfOptions {
  const topic = stringOption(values, 'topic');
  if (topic === undefined || topic === '') throw new UsageError('perf needs --topic');
  const int = (name: string, fallback: number, min: number, max?: number): number => {
    const v = stringOption(values, name);
    return v === undefined ? fallback : parseInteger(`--${name}`, v, min, max);
  };
  const throughputArg = stringOption(values, 'throughput');
  const throughput =
    throughputArg === undefined || throughputArg === '-1'
      ? -1
      : parseNumber('--throughput', throughputArg, 1);
  const producer: { -readonly [K in keyof ProducerOptions]: ProducerOptions[K] } = {};
  const acks = stringOption(values, 'acks');
  if (acks !== undefined) producer.acks = parseAcks(acks);
  const compression = stringOption(values, 'compression');
  if (compression !== undefined) producer.compression = parseCompression(compression);
  if (stringOption(values, 'batch-size') !== undefined)
    producer.batchSize = int('batch-size', 0, 1, 2147483647);
  if (stringOption(values, 'linger-ms') !== undefined) producer.lingerMs = int('linger-ms', 0, 0, 2147483647);
  const partitioner = stringOption(values, 'partitioner');
  if (partitioner !== undefined) {
    if (partitioner !== 'sticky' && partitioner !== 'round-robin') {
      throw new UsageError(`--partitioner '${partitioner}' is not one of sticky, round-robin`);
    }
    producer.partitioner = partitioner;
  }
  return {
    topic,
    numRecords: int('num-records', defaultRecords, 1),
    recordSize: int('record-size', 100, 1, 100 * 1024 * 1024),
    throughput,
    keys: int('keys', 0, 0, 2147483647),
    reportingIntervalMs: int('reporting-interval', 5000, 1),
    producer,
  };
}

/** A payload of random upper-case letters, as kafka-producer-perf-test.sh sends. */
export function randomPayload(size: number): Buffer {
  const payload = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) payload[i] = 65 + Math.floor(Math.random() * 26);
  return payload;
}

/** The key of record `i` with `--keys N`: `key-(i mod N)`; null without keys. */
export function keyOf(i: number, keys: number): string | null {
  return keys > 0 ? `key-${i % keys}` : null;
}
