import { RunnelError } from './errors/runnel-error.js';
import { DEFAULT_RUNNEL_OPTIONS, resolveRunnelOptions } from './runnel-options.js';

describe('resolveRunnelOptions', () => {
  it("fills in Kafka's defaults and parses the bootstrap brokers", () => {
    expect(resolveRunnelOptions({ brokers: ['127.0.0.1:9092', '[::1]:9093'] })).toEqual({
      clientId: 'runnel',
      brokers: [
        { host: '127.0.0.1', port: 9092 },
        { host: '::1', port: 9093 },
      ],
      connectTimeoutMs: DEFAULT_RUNNEL_OPTIONS.connectionTimeoutMs,
      requestTimeoutMs: 30_000,
      metadataMaxAgeMs: 300_000,
      reconnectBackoffMs: 50,
      reconnectBackoffMaxMs: 1000,
      allowAutoTopicCreation: true,
    });
  });

  it('keeps what the caller chose', () => {
    const resolved = resolveRunnelOptions({
      clientId: 'orders',
      brokers: ['kafka:9092'],
      connectionTimeoutMs: 500,
      requestTimeoutMs: 1000,
      metadataMaxAgeMs: 0,
      reconnectBackoffMs: 10,
      reconnectBackoffMaxMs: 20,
      allowAutoTopicCreation: false,
    });
    expect(resolved).toMatchObject({
      clientId: 'orders',
      connectTimeoutMs: 500,
      metadataMaxAgeMs: 0,
      reconnectBackoffMaxMs: 20,
    });
    expect(resolved.allowAutoTopicCreation).toBe(false);
  });

  it.each([
    [{ brokers: [] }, "brokers: at least one 'host:port' is needed"],
    [{ brokers: ['kafka'] }, "brokers: 'kafka' is not a broker address"],
    [
      { brokers: ['k:1'], requestTimeoutMs: 0 },
      'requestTimeoutMs: 0 is not a whole number of milliseconds from 1 to 2147483647',
    ],
    [{ brokers: ['k:1'], connectionTimeoutMs: 1.5 }, 'connectionTimeoutMs: 1.5 is not a whole number'],
    [
      { brokers: ['k:1'], metadataMaxAgeMs: -1 },
      'metadataMaxAgeMs: -1 is not a whole number of milliseconds from 0',
    ],
    [
      { brokers: ['k:1'], reconnectBackoffMs: 500, reconnectBackoffMaxMs: 100 },
      'reconnectBackoffMaxMs: 100 is below reconnectBackoffMs (500)',
    ],
  ])('refuses %p naming the option, the value and the limit', (options, message) => {
    expect(() => resolveRunnelOptions(options)).toThrow(RunnelError);
    expect(() => resolveRunnelOptions(options)).toThrow(message);
  });

  it('raises the backoff maximum to a larger chosen base when the maximum is left out', () => {
    expect(resolveRunnelOptions({ brokers: ['k:1'], reconnectBackoffMs: 5000 }).reconnectBackoffMaxMs).toBe(
      5000,
    );
  });

  it('takes ssl and sasl as kafkajs does, refusing a bad sasl naming its field', () => {
    const sasl = { mechanism: 'scram-sha-512', username: 'admin', password: 'p' } as const;
    expect(resolveRunnelOptions({ brokers: ['k:9093'], ssl: true, sasl })).toMatchObject({ ssl: {}, sasl });
    expect(resolveRunnelOptions({ brokers: ['k:9093'], ssl: false }).ssl).toBeUndefined();
    expect(resolveRunnelOptions({ brokers: ['k:9093'], ssl: { rejectUnauthorized: false } }).ssl).toEqual({
      rejectUnauthorized: false,
    });
    expect(() =>
      resolveRunnelOptions({ brokers: ['k:9093'], sasl: { ...sasl, mechanism: 'gssapi' as never } }),
    ).toThrow("sasl.mechanism: \"gssapi\" is not 'plain', 'scram-sha-256' or 'scram-sha-512'");
    expect(() => resolveRunnelOptions({ brokers: ['k:9093'], sasl: { ...sasl, username: '' } })).toThrow(
      'sasl.username: must be a non-empty string',
    );
  });
});
