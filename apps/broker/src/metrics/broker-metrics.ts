import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import {
  ApiRequestStats,
  RequestLatencyHistogram,
  type RequestOutcome,
  requestsCounter,
} from './api-request-stats.js';
import { type ClientQuotaUse, registerClientQuotaGauges } from './client-quota-gauges.js';
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
 * process (a test suite). The request path only adds to plain numbers (bytes here, per API in
 * its ApiRequestStats); prom-client reads them when /metrics is scraped.
 */
export class BrokerMetrics {
  readonly registry = new Registry();
  private readonly apis = new Map<string, ApiRequestStats>();
  private bytesReceived = 0;
  private bytesSent = 0;

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
    const metrics = this;
    this.registry.registerMetric(
      new Counter({
        name: 'runnel_network_bytes_in_total',
        help: 'Bytes of request frames received',
        registers: [],
        collect() {
          this.reset();
          this.inc(metrics.bytesReceived);
        },
      }),
    );
    this.registry.registerMetric(
      new Counter({
        name: 'runnel_network_bytes_out_total',
        help: 'Bytes of response frames sent',
        registers: [],
        collect() {
          this.reset();
          this.inc(metrics.bytesSent);
        },
      }),
    );
    const apis = () => this.apis.values();
    this.registry.registerMetric(requestsCounter(apis));
    this.registry.registerMetric(new RequestLatencyHistogram(apis));
    if (groups) registerGroupGauges(this.registry, groups);
  }

  /** Gauges of the broker-wide request byte budget (`queued.max.request.bytes`), read at scrape time. */
  registerQueuedRequestBytes(budget: { used: number; peak: number; waiting: number }): void {
    const gauges: [string, string, () => number][] = [
      [
        'runnel_queued_request_bytes',
        'Request bytes read and not yet handled (queued.max.request.bytes counts these)',
        () => budget.used,
      ],
      [
        'runnel_queued_request_bytes_peak',
        'Most request bytes held at once since the broker started',
        () => budget.peak,
      ],
      [
        'runnel_connections_waiting_for_request_bytes',
        'Connections not reading because the request byte budget is used up',
        () => budget.waiting,
      ],
    ];
    for (const [name, help, read] of gauges) {
      this.registry.registerMetric(
        new Gauge({
          name,
          help,
          registers: [],
          collect() {
            this.set(read());
          },
        }),
      );
    }
  }

  /** Client quota use, throttle time and limits per user and client id, read at scrape time (see registerClientQuotaGauges). */
  registerClientQuotas(usage: () => Iterable<ClientQuotaUse>): void {
    registerClientQuotaGauges(this.registry, usage);
  }

  /** The stats of `api` (by its name), taken once per API so the request path looks nothing up. */
  forApi(api: string): ApiRequestStats {
    let stats = this.apis.get(api);
    if (!stats) {
      stats = new ApiRequestStats(api);
      this.apis.set(api, stats);
    }
    return stats;
  }

  requestReceived(bytes: number): void {
    this.bytesReceived += bytes;
  }

  responseSent(api: ApiRequestStats, bytes: number, seconds: number, outcome: RequestOutcome): void {
    this.bytesSent += bytes;
    api.record(seconds, outcome);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
