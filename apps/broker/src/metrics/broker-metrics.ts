import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { type GroupGaugeSource, registerGroupGauges } from './group-gauges.js';

/** Per-partition figures read at scrape time, so the request path never updates gauges. */
export interface PartitionGaugeSource {
  partitionOffsets(): Iterable<{
    topic: string;
    partition: number;
    logEndOffset: bigint;
    highWatermark: bigint;
  }>;
}

/**
 * The broker's Prometheus metrics, in a registry of its own so several brokers can live in one
 * process (a test suite). The request path pays for two counter increments and one histogram
 * observation per request.
 */
export class BrokerMetrics {
  readonly registry = new Registry();
  private readonly bytesIn = new Counter({
    name: 'runnel_network_bytes_in_total',
    help: 'Bytes of request frames received',
    registers: [this.registry],
  });
  private readonly bytesOut = new Counter({
    name: 'runnel_network_bytes_out_total',
    help: 'Bytes of response frames sent',
    registers: [this.registry],
  });
  private readonly requests = new Counter({
    name: 'runnel_requests_total',
    help: 'Requests handled, by API and error',
    labelNames: ['api', 'outcome'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'runnel_request_duration_seconds',
    help: 'Time from reading a request to having its response, by API',
    labelNames: ['api'],
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  });

  /** `groups`, when given, adds the consumer group gauges (see `registerGroupGauges`). */
  constructor(partitions: PartitionGaugeSource, groups?: GroupGaugeSource) {
    // Process CPU, memory and event-loop lag (process_cpu_seconds_total, ...), read at scrape time.
    collectDefaultMetrics({ register: this.registry });
    const highWatermark = new Gauge({
      name: 'runnel_partition_high_watermark',
      help: 'Offset up to which records are visible to consumers, per partition',
      labelNames: ['topic', 'partition'],
      registers: [],
    });
    // Registered first, so its collect() fills both gauges before either is read.
    new Gauge({
      name: 'runnel_partition_log_end_offset',
      help: 'Offset of the next record to be appended, per partition',
      labelNames: ['topic', 'partition'],
      registers: [this.registry],
      collect() {
        this.reset();
        highWatermark.reset();
        for (const p of partitions.partitionOffsets()) {
          const labels = { topic: p.topic, partition: String(p.partition) };
          this.set(labels, Number(p.logEndOffset));
          highWatermark.set(labels, Number(p.highWatermark));
        }
      },
    });
    this.registry.registerMetric(highWatermark);
    if (groups) registerGroupGauges(this.registry, groups);
  }

  requestReceived(bytes: number): void {
    this.bytesIn.inc(bytes);
  }

  responseSent(api: string, bytes: number, seconds: number, outcome: 'ok' | 'error'): void {
    this.bytesOut.inc(bytes);
    this.requests.inc({ api, outcome });
    this.latency.observe({ api }, seconds);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
