import { inspect } from 'node:util';
import { PendingSend } from './pending-send.js';

const plain = (results: readonly { topic: string; partition: number; offset: bigint; timestamp: number }[]) =>
  results.map(({ topic, partition, offset, timestamp }) => ({ topic, partition, offset, timestamp }));

describe('PendingSend', () => {
  it('resolves in input order with each record its partition, offset and CreateTime, whatever order the ranges come back in', async () => {
    const send = new PendingSend('orders', 5, [10, 11, 12, 13, 14]);
    send.complete(3, 2, 1, 7n, -1);
    expect(send.isSettled).toBe(false);
    send.complete(0, 3, 0, 100n, -1);
    expect(plain(await send.promise)).toEqual([
      { topic: 'orders', partition: 0, offset: 100n, timestamp: 10 },
      { topic: 'orders', partition: 0, offset: 101n, timestamp: 11 },
      { topic: 'orders', partition: 0, offset: 102n, timestamp: 12 },
      { topic: 'orders', partition: 1, offset: 7n, timestamp: 13 },
      { topic: 'orders', partition: 1, offset: 8n, timestamp: 14 },
    ]);
  });

  it('reports the LogAppendTime of a range over the CreateTimes, and -1n offsets when none are known (acks 0)', async () => {
    const send = new PendingSend('t', 4, 1_600_000_000_000);
    send.complete(0, 2, 2, -1n, -1);
    send.complete(2, 2, 3, 40n, 1_700_000_000_000);
    const results = await send.promise;
    expect(results.map((r) => r.offset)).toEqual([-1n, -1n, 40n, 41n]);
    expect(results.map((r) => r.timestamp)).toEqual([
      1_600_000_000_000, 1_600_000_000_000, 1_700_000_000_000, 1_700_000_000_000,
    ]);
  });

  it('gives offsets past 2^53 exactly', async () => {
    const send = new PendingSend('t', 2, 0);
    send.complete(0, 2, 0, 2n ** 60n, -1);
    expect((await send.promise).map((r) => r.offset)).toEqual([2n ** 60n, 2n ** 60n + 1n]);
  });

  it('shows each result as the plain { topic, partition, offset, timestamp } in JSON and inspect', async () => {
    const send = new PendingSend('t', 1, 5);
    send.complete(0, 1, 4, 9n, -1);
    const [result] = await send.promise;
    expect((result as unknown as { toJSON(): unknown }).toJSON()).toEqual({
      topic: 't',
      partition: 4,
      offset: 9n,
      timestamp: 5,
    });
    expect(inspect(result)).toBe(inspect({ topic: 't', partition: 4, offset: 9n, timestamp: 5 }));
  });

  it('rejects with the first failure and ignores ranges completed after it', async () => {
    const send = new PendingSend('t', 2, 0);
    send.fail(new Error('first'));
    send.complete(0, 2, 0, 0n, -1);
    send.fail(new Error('second'));
    await expect(send.promise).rejects.toThrow('first');
  });
});
