import { Counter, Histogram } from 'prom-client';

export type RequestOutcome = 'ok' | 'error';

/** Upper bounds (seconds) of the request latency histogram's buckets; +Inf is implied. */
export const LATENCY_BUCKETS: readonly number[] = [
  0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30,
];

/**
 * Requests and latency of one API, held as plain numbers so the request path pays a few
 * additions: prom-client's labelled calls hash their label object on every call (bound
 * `.labels()` children too, in prom-client 15), about 100 times the cost of these. The router
 * takes one per API when a handler is registered; /metrics reads them at scrape time.
 */
export class ApiRequestStats {
  ok = 0;
  errors = 0;
  sumSeconds = 0;
  /** Requests per latency bucket, not cumulative; the last one is +Inf. */
  readonly buckets = new Float64Array(LATENCY_BUCKETS.length + 1);

  constructor(readonly api: string) {}

  record(seconds: number, outcome: RequestOutcome): void {
    if (outcome === 'ok') this.ok++;
    else this.errors++;
    this.sumSeconds += seconds;
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[bucket]!) bucket++;
    this.buckets[bucket]!++;
  }
}

/** `runnel_requests_total{api, outcome}`, filled from the stats when scraped. */
export function requestsCounter(stats: () => Iterable<ApiRequestStats>): Counter<'api' | 'outcome'> {
  return new Counter({
    name: 'runnel_requests_total',
    help: 'Requests handled, by API and error',
    labelNames: ['api', 'outcome'],
    registers: [],
    collect() {
      this.reset();
      for (const { api, ok, errors } of stats()) {
        if (ok > 0) this.inc({ api, outcome: 'ok' }, ok);
        if (errors > 0) this.inc({ api, outcome: 'error' }, errors);
      }
    },
  });
}

const LATENCY_NAME = 'runnel_request_duration_seconds';
const LATENCY_HELP = 'Time from reading a request to having its response, by API';

/**
 * `runnel_request_duration_seconds{api}`: a prom-client Histogram whose values come from the stats
 * when scraped. prom-client cannot set a histogram's buckets, so this overrides the method its
 * Registry reads a metric through (`getForPromString`, which `get` also calls, in prom-client 15),
 * returning the lines in prom-client's own shape; `api-request-stats.spec.ts` checks the text.
 */
export class RequestLatencyHistogram extends Histogram<'api'> {
  constructor(private readonly stats: () => Iterable<ApiRequestStats>) {
    super({
      name: LATENCY_NAME,
      help: LATENCY_HELP,
      labelNames: ['api'],
      buckets: [...LATENCY_BUCKETS],
      registers: [],
    });
  }

  async getForPromString(): Promise<unknown> {
    const values: {
      labels: object;
      sharedLabels: object;
      value: number;
      metricName: string;
      exemplar?: null;
    }[] = [];
    for (const { api, buckets, sumSeconds } of this.stats()) {
      const sharedLabels = { api };
      let cumulative = 0;
      for (let i = 0; i < buckets.length; i++) {
        cumulative += buckets[i]!;
        const le = i < LATENCY_BUCKETS.length ? LATENCY_BUCKETS[i]! : '+Inf';
        values.push({
          labels: { le },
          sharedLabels,
          value: cumulative,
          metricName: `${LATENCY_NAME}_bucket`,
          exemplar: null,
        });
      }
      values.push({ labels: {}, sharedLabels, value: sumSeconds, metricName: `${LATENCY_NAME}_sum` });
      values.push({ labels: {}, sharedLabels, value: cumulative, metricName: `${LATENCY_NAME}_count` });
    }
    return {
      name: LATENCY_NAME,
      help: LATENCY_HELP,
      type: 'histogram',
      aggregator: 'sum',
      values,
    };
  }
}
