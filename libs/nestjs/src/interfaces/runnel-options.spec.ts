import { resolveClientOptions } from './runnel-client-options.interface.js';
import { DEFAULT_SERVER_OPTIONS, resolveServerOptions } from './runnel-server-options.interface.js';

const client = { brokers: ['127.0.0.1:9092'] };

describe('ServerRunnel options', () => {
  it('fills in the documented defaults', () => {
    const resolved = resolveServerOptions({ client });
    expect(resolved).toMatchObject({
      consumer: { groupId: 'runnel-server' },
      fromBeginning: false,
      maxConcurrency: DEFAULT_SERVER_OPTIONS.maxConcurrency,
      partitionsConsumedConcurrently: 16,
      retry: { attempts: 3, backoffMs: 200, maxBackoffMs: 5000 },
      deadLetter: true,
      shutdownGraceMs: 10_000,
    });
    expect(DEFAULT_SERVER_OPTIONS.maxConcurrency).toBe(10);
  });

  it.each([
    [{ maxConcurrency: 0 }, 'maxConcurrency: 0 is not a whole number from 1 to 10000'],
    [{ retry: { attempts: 1.5 } }, 'retry.attempts: 1.5 is not a whole number from 1 to 1000'],
    [{ retry: { backoffMs: -1 } }, 'retry.backoffMs: -1 is not a whole number from 0 to 2147483647'],
    [{ shutdownGraceMs: Number.NaN }, 'shutdownGraceMs: NaN is not a whole number from 0 to 2147483647'],
    [{ consumer: { groupId: '' } }, "consumer.groupId: '' must be a non-empty string"],
    [{ deadLetter: 'yes' as unknown as boolean }, "deadLetter: 'yes' must be a boolean"],
  ])('refuses %j naming the option, the value and the limit', (bad, message) => {
    expect(() => resolveServerOptions({ client, ...bad })).toThrow(message);
  });

  it('refuses a missing client', () => {
    expect(() => resolveServerOptions({} as never)).toThrow(
      'client: undefined is required: { clientId, brokers }',
    );
  });
});

describe('ClientRunnel options', () => {
  it('waits 30 s for a reply by default and refuses a timeout below 1 ms', () => {
    expect(resolveClientOptions({ client }).requestTimeoutMs).toBe(30_000);
    expect(() => resolveClientOptions({ client, requestTimeoutMs: 0 })).toThrow(
      'requestTimeoutMs: 0 is not a whole number from 1 to 2147483647',
    );
  });
});
