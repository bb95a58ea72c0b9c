import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidQuotaEntityError } from './client-quota-entity.js';
import { ClientQuotaStore, InvalidQuotaValueError } from './client-quota-store.js';
import { CLIENT_QUOTAS_FILE, DataDirQuotaDocument } from './data-dir-quota-document.js';

function open(dataDir: string): ClientQuotaStore {
  const { document, text } = DataDirQuotaDocument.open(dataDir);
  return new ClientQuotaStore(document, text);
}

describe('ClientQuotaStore', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'client-quotas-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps named and default entities apart and reads them back from the data dir', async () => {
    const store = open(dataDir);
    await store.alter([
      { entity: { user: 'alice' }, ops: [{ key: 'producer_byte_rate', value: 1024, remove: false }] },
      {
        entity: { user: null, clientId: null },
        ops: [{ key: 'request_percentage', value: 12.5, remove: false }],
      },
      { entity: { clientId: '' }, ops: [{ key: 'consumer_byte_rate', value: 2048, remove: false }] },
    ]);
    const reopened = open(dataDir);
    expect(reopened.quota({ user: 'alice' }, 'producer_byte_rate')).toBe(1024);
    expect(reopened.quota({ user: 'alice', clientId: null }, 'producer_byte_rate')).toBeUndefined();
    expect(reopened.quota({ user: null, clientId: null }, 'request_percentage')).toBe(12.5);
    expect(reopened.quota({ clientId: '' }, 'consumer_byte_rate')).toBe(2048);
    expect(reopened.quota({ clientId: null }, 'consumer_byte_rate')).toBeUndefined();
  });

  it('loses no alteration of several made at once', async () => {
    const store = open(dataDir);
    await Promise.all(
      ['a', 'b', 'c'].map((user) =>
        store.alter([{ entity: { user }, ops: [{ key: 'producer_byte_rate', value: 5, remove: false }] }]),
      ),
    );
    expect(open(dataDir).size).toBe(3);
    expect(store.size).toBe(3);
  });

  it('drops an entity once its last value is removed', async () => {
    const store = open(dataDir);
    await store.alter([
      { entity: { user: 'bob' }, ops: [{ key: 'producer_byte_rate', value: 10, remove: false }] },
    ]);
    await store.alter([
      { entity: { user: 'bob' }, ops: [{ key: 'producer_byte_rate', value: 0, remove: true }] },
    ]);
    expect(store.size).toBe(0);
    expect(JSON.parse(readFileSync(join(dataDir, CLIENT_QUOTAS_FILE), 'utf8')).entities).toEqual([]);
  });

  it('refuses values Kafka refuses, naming the entity, key and value', () => {
    const store = open(dataDir);
    const set = (key: string, value: number) => [{ key, value, remove: false }];
    expect(() => store.validate({ user: 'a' }, set('producer_byte_rate', 1.5))).toThrow(
      new InvalidQuotaValueError(
        'user=a: producer_byte_rate = 1.5 must be a whole number of bytes per second above 0',
      ),
    );
    expect(() => store.validate({ clientId: null }, set('request_percentage', 0))).toThrow(
      'client-id=<default>: request_percentage = 0 must be a percentage above 0',
    );
    expect(() => store.validate({ user: 'a' }, set('connection_creation_rate', 3))).toThrow(/not served/);
    expect(() => store.validate({}, set('producer_byte_rate', 3))).toThrow(InvalidQuotaEntityError);
  });

  it('refuses to start from a file it cannot read, naming the file', () => {
    writeFileSync(join(dataDir, CLIENT_QUOTAS_FILE), '{"formatVersion":1,"entities":[');
    expect(() => open(dataDir)).toThrow(`${join(dataDir, CLIENT_QUOTAS_FILE)} is not valid JSON`);
  });
});
