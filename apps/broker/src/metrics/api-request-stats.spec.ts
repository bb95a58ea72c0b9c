import { Counter, Histogram, Registry } from 'prom-client';
import {
  ApiRequestStats,
  LATENCY_BUCKETS,
  RequestLatencyHistogram,
  requestsCounter,
} from './api-request-stats.js';

/** The same observations through prom-client's own labelled metrics, as the broker kept them before. */
function reference(observations: [string, number, 'ok' | 'error'][]): Registry {
  const registry = new Registry();
  const requests = new Counter({
    name: 'runnel_requests_total',
    help: 'Requests handled, by API and error',
    labelNames: ['api', 'outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'runnel_request_duration_seconds',
    help: 'Time from reading a request to having its response, by API',
    labelNames: ['api'],
    buckets: [...LATENCY_BUCKETS],
    registers: [registry],
  });
  for (const [api, seconds, outcome] of observations) {
    requests.inc({ api, outcome });
    latency.observe({ api }, seconds);
  }
  return registry;
}

describe('ApiRequestStats', () => {
  it('renders the same Prometheus text as prom-client labelled metrics fed the same requests', async () => {
    const observations: [string, number, 'ok' | 'error'][] = [
      ['Fetch', 0.00005, 'ok'],
      ['Fetch', 0.0001, 'ok'], // on a bucket's bound: counted in that bucket (le)
      ['Fetch', 0.3, 'error'],
      ['Produce', 0.002, 'ok'],
      ['Produce', 45, 'ok'], // above every bound: +Inf only
      ['Metadata', 0.0007, 'error'],
    ];
    const stats = new Map<string, ApiRequestStats>();
    for (const [api, seconds, outcome] of observations) {
      if (!stats.has(api)) stats.set(api, new ApiRequestStats(api));
      stats.get(api)!.record(seconds, outcome);
    }
    const registry = new Registry();
    registry.registerMetric(requestsCounter(() => stats.values()));
    registry.registerMetric(new RequestLatencyHistogram(() => stats.values()));
    expect(await registry.metrics()).toBe(await reference(observations).metrics());
    expect(await registry.getMetricsAsJSON()).toEqual(await reference(observations).getMetricsAsJSON());
  });
});
