import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QuotaEntity, QuotaKey } from './client-quota-entity.js';
import { ClientQuotaManager, INACTIVE_SENSOR_EXPIRY_MS } from './client-quota-manager.js';
import { ClientQuotaStore } from './client-quota-store.js';
import { DataDirQuotaDocument } from './data-dir-quota-document.js';

describe('ClientQuotaManager', () => {
  let dataDir: string;
  let now: number;
  let store: ClientQuotaStore;
  let quotas: ClientQuotaManager;
  const set = (entity: QuotaEntity, key: QuotaKey, value: number) =>
    store.alter([{ entity, ops: [{ key, value, remove: false }] }]);
  const limitOf = (user: string, clientId: string, key: QuotaKey = 'producer_byte_rate') =>
    quotas.limit(key, user, clientId);

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'client-quota-manager-'));
    now = 0;
    const { document, text } = DataDirQuotaDocument.open(dataDir);
    store = new ClientQuotaStore(document, text);
    quotas = new ClientQuotaManager(store, { samples: 11, sampleMs: 1000 }, () => now);
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('takes each key from the first entity in Kafka order that sets it', async () => {
    const entities: QuotaEntity[] = [
      { clientId: null },
      { clientId: 'app' },
      { user: null },
      { user: null, clientId: null },
      { user: null, clientId: 'app' },
      { user: 'alice' },
      { user: 'alice', clientId: null },
      { user: 'alice', clientId: 'app' },
    ];
    // Added from the lowest precedence up: each addition must take over.
    for (const [i, entity] of entities.entries()) {
      await set(entity, 'producer_byte_rate', 1000 + i);
      expect({ entity, limit: limitOf('alice', 'app') }).toEqual({ entity, limit: 1000 + i });
    }
    expect(limitOf('bob', 'other')).toBe(1000 + 3);
  });

  it('resolves each key on its own', async () => {
    await set({ user: 'alice', clientId: 'app' }, 'producer_byte_rate', 100);
    await set({ clientId: null }, 'consumer_byte_rate', 200);
    expect(limitOf('alice', 'app', 'producer_byte_rate')).toBe(100);
    expect(limitOf('alice', 'app', 'consumer_byte_rate')).toBe(200);
  });

  it('gives every user its own allowance under a default quota, and shares a user quota among its clients', async () => {
    await set({ user: null }, 'producer_byte_rate', 1000);
    expect(quotas.record('producer_byte_rate', 'alice', 'a', 10_000)).toBe(0);
    expect(quotas.record('producer_byte_rate', 'bob', 'b', 10_000)).toBe(0);
    // alice's two clients share her allowance: 20 000 bytes over the 10 s window is 2000 B/s.
    expect(quotas.record('producer_byte_rate', 'alice', 'c', 10_000)).toBe(10_000);
  });

  it('throttles for Kafka time: (rate - limit) / limit * window', async () => {
    await set({ clientId: 'p' }, 'producer_byte_rate', 1000);
    // 15 000 bytes at once: 1500 B/s over the 10 s window, 50 % over: 5 s.
    expect(quotas.record('producer_byte_rate', 'ANONYMOUS', 'p', 15_000)).toBe(5000);
    // The rate is measured over at least 10 s, so a write while the burst is in the window is
    // throttled again; once the burst has left the window (11 samples) it is free.
    now = 5000;
    expect(quotas.record('producer_byte_rate', 'ANONYMOUS', 'p', 1)).toBe(5001);
    now = 11_000;
    expect(quotas.record('producer_byte_rate', 'ANONYMOUS', 'p', 1)).toBe(0);
    expect(quotas.record('producer_byte_rate', 'ANONYMOUS', 'other', 1_000_000)).toBe(0);
  });

  it('counts request time as a percentage of one thread and bounds its throttle by one sample', async () => {
    await set({ user: null }, 'request_percentage', 10);
    // 100 ms of handling over the 10 s window is 1 %.
    expect(quotas.record('request_percentage', 'alice', 'x', 100)).toBe(0);
    // 10 s of handling is 100 %: far over 10 %, bounded to quota.window.size.seconds.
    expect(quotas.record('request_percentage', 'alice', 'x', 10_000)).toBe(1000);
  });

  it('forgets an owner after an hour with nothing recorded, as Kafka expires inactive sensors', async () => {
    await set({ clientId: null }, 'producer_byte_rate', 1000);
    quotas.record('producer_byte_rate', 'u', 'old-client', 10);
    now = 30 * 60 * 1000;
    quotas.record('producer_byte_rate', 'u', 'new-client', 10);
    expect([...quotas.usage()].map((u) => u.sensor.clientId).sort()).toEqual(['new-client', 'old-client']);
    now = INACTIVE_SENSOR_EXPIRY_MS + 1;
    quotas.record('producer_byte_rate', 'u', 'new-client', 10);
    expect([...quotas.usage()].map((u) => u.sensor.clientId)).toEqual(['new-client']);
  });

  it('measures nothing while no quota is set', async () => {
    expect(quotas.enabled).toBe(false);
    expect(quotas.record('producer_byte_rate', 'alice', 'x', 1e12)).toBe(0);
    expect([...quotas.usage()]).toEqual([]);
  });
});
