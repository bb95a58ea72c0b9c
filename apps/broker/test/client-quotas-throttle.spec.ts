import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AlterClientQuotas,
  ApiVersions,
  ErrorCode,
  encodeRecordBatch,
  encodeRequestFrame,
  Fetch,
  Produce,
} from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

const KiB = 1024;

/** A Produce v7 (acks 1) of one record of `valueBytes` to partition 0 of `topic`. */
async function produceRequest(topic: string, valueBytes: number) {
  const records = await encodeRecordBatch({
    records: [{ value: Buffer.alloc(valueBytes, 7) }],
    baseTimestamp: Date.now(),
  });
  return {
    transactionalId: null,
    acks: 1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  };
}

async function setQuota(client: RawClient, clientId: string, key: string, value: number): Promise<void> {
  const { entries } = await client.request(AlterClientQuotas, 1, {
    entries: [
      { entity: [{ entityType: 'client-id', entityName: clientId }], ops: [{ key, value, remove: false }] },
    ],
    validateOnly: false,
  });
  expect(entries[0]!.errorCode).toBe(ErrorCode.NONE);
}

describe('client quotas throttle the client over them', () => {
  let broker: RunningBroker;
  let admin: RawClient;

  afterEach(async () => {
    admin.close();
    await broker.close();
  });

  it('answers at once with throttle_time_ms, then reads nothing more from that connection for that long', async () => {
    // Windows of 2 x 1 s: a rate is measured over at least 1 s, so one 20 KiB produce against
    // 10 KiB/s is 100 % over and earns (20 - 10) / 10 * 1000 = 1000 ms.
    const dataDir = mkdtempSync(join(tmpdir(), 'client-quotas-throttle-'));
    broker = await startBroker({ port: 0, httpPort: 0, dataDir, logger: false, quotaWindowNum: 2 });
    admin = await RawClient.connect(broker.port);
    await createTopic(admin, 'throttled', 1);
    await setQuota(admin, 'raw-client', 'producer_byte_rate', 10 * KiB);
    const producer = await RawClient.connect(broker.port);
    try {
      const request = await produceRequest('throttled', 20 * KiB);
      const response = await producer.request(Produce, 7, request);
      expect(response.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.NONE);
      expect(response.throttleTimeMs).toBeGreaterThanOrEqual(950);
      expect(response.throttleTimeMs).toBeLessThanOrEqual(1100);

      // The next request leaves at once but is read only once the throttle time is over.
      const sent = performance.now();
      await producer.request(ApiVersions, 3, {});
      expect(performance.now() - sent).toBeGreaterThanOrEqual(response.throttleTimeMs - 50);

      const metrics = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
      const labels = '{quota="producer_byte_rate",user="",client_id="raw-client"}';
      expect(metrics).toContain(`runnel_client_quota_limit${labels} ${10 * KiB}`);
      const given = new RegExp(
        `runnel_client_quota_throttle_time_ms_total${labels.replace(/[{}]/g, '\\$&')} (\\d+)`,
      );
      expect(Number(given.exec(metrics)?.[1])).toBe(response.throttleTimeMs);
    } finally {
      producer.close();
    }
  });

  it('throttles a consumer over its consumer_byte_rate, its data sent with the throttle time', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'client-quotas-fetch-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false, quotaWindowNum: 2 });
    admin = await RawClient.connect(broker.port);
    await createTopic(admin, 'consumed', 1);
    expect((await admin.request(Produce, 7, await produceRequest('consumed', 20 * KiB))).throttleTimeMs).toBe(
      0,
    );
    await setQuota(admin, 'raw-client', 'consumer_byte_rate', 10 * KiB);
    const consumer = await RawClient.connect(broker.port);
    try {
      const response = await consumer.request(Fetch, 11, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 1,
        maxBytes: 1024 * KiB,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: 'consumed',
            partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1024 * KiB }],
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      });
      expect(response.responses[0]!.partitions[0]!.records!.length).toBeGreaterThan(20 * KiB);
      // 20 KiB and then some against 10 KiB/s over 1 s: just over 1000 ms.
      expect(response.throttleTimeMs).toBeGreaterThanOrEqual(1000);
      expect(response.throttleTimeMs).toBeLessThanOrEqual(1200);
      const sent = performance.now();
      await consumer.request(ApiVersions, 3, {});
      expect(performance.now() - sent).toBeGreaterThanOrEqual(response.throttleTimeMs - 50);
    } finally {
      consumer.close();
    }
  });

  it('throttles any API once the broker time its requests take is over request_percentage, at most one sample', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'client-quotas-request-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false, quotaWindowNum: 2 });
    admin = await RawClient.connect(broker.port);
    // 0.01 % of one request handler over 1 s is 0.1 ms: a handful of requests spend it.
    await setQuota(admin, 'raw-client', 'request_percentage', 0.01);
    const client = await RawClient.connect(broker.port);
    try {
      let throttleMs = 0;
      for (let i = 0; i < 1000 && throttleMs === 0; i++) {
        throttleMs = (await client.request(ApiVersions, 3, {})).throttleTimeMs;
      }
      expect(throttleMs).toBeGreaterThan(0);
      expect(throttleMs).toBeLessThanOrEqual(1000);
      const sent = performance.now();
      await client.request(ApiVersions, 3, {});
      expect(performance.now() - sent).toBeGreaterThanOrEqual(throttleMs - 50);
    } finally {
      client.close();
    }
  });

  it('does not keep a stopping broker waiting out a throttle time', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'client-quotas-stop-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false, quotaWindowNum: 2 });
    admin = await RawClient.connect(broker.port);
    await createTopic(admin, 'held', 1);
    await setQuota(admin, 'raw-client', 'producer_byte_rate', 1024);
    const producer = await RawClient.connect(broker.port);
    try {
      // Two produces in one write: the first earns (20 - 1) / 1 * 1 s = 19 s, the second is read
      // with it and held by the mute.
      const request = await produceRequest('held', 20 * KiB);
      const frame = (correlationId: number) =>
        encodeRequestFrame(Produce, 7, { correlationId, clientId: 'raw-client' }, request);
      producer.write(Buffer.concat([frame(1), frame(2)]));
      expect(await producer.nextFrame()).toBeDefined();
      const stopping = performance.now();
      await broker.close();
      expect(performance.now() - stopping).toBeLessThan(5000);
      broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    } finally {
      producer.close();
    }
  });

  it('leaves a client within its quota (another client id) unthrottled and unmuted', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'client-quotas-other-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false, quotaWindowNum: 2 });
    admin = await RawClient.connect(broker.port);
    await createTopic(admin, 'shared', 1);
    await setQuota(admin, 'someone-else', 'producer_byte_rate', 1024);
    const producer = await RawClient.connect(broker.port);
    try {
      for (let i = 0; i < 5; i++) {
        const response = await producer.request(Produce, 7, await produceRequest('shared', 20 * KiB));
        expect(response.throttleTimeMs).toBe(0);
      }
    } finally {
      producer.close();
    }
  });

  it('holds a producer sending as fast as it can to about its byte rate', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'client-quotas-rate-'));
    // Windows of 2 x 1 s, so the test spans several windows; Kafka's 11 x 1 s would let the first
    // 10 s of quota through at once and hold the client back for the rest of those 10 s.
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false, quotaWindowNum: 2 });
    admin = await RawClient.connect(broker.port);
    await createTopic(admin, 'rate', 1);
    const quota = 400 * KiB;
    await setQuota(admin, 'raw-client', 'producer_byte_rate', quota);
    const producer = await RawClient.connect(broker.port);
    try {
      const request = await produceRequest('rate', 20 * KiB);
      // The value bytes accepted over 5 s, the first window's allowance (1 s of quota) taken off.
      const started = performance.now();
      let bytes = 0;
      let throttled = 0;
      while (performance.now() - started < 5000) {
        const response = await producer.request(Produce, 7, request);
        expect(response.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.NONE);
        bytes += 20 * KiB;
        if (response.throttleTimeMs > 0) throttled++;
      }
      const rate = (bytes - quota) / ((performance.now() - started) / 1000);
      expect(throttled).toBeGreaterThan(0);
      expect(rate).toBeGreaterThan(quota * 0.7);
      expect(rate).toBeLessThan(quota * 1.3);
    } finally {
      producer.close();
    }
  }, 20_000);
});
