import { inspect } from 'node:util';
import { PendingSend } from './pending-send.js';
import { EAGER_RESULTS_MAX } from './send-results.js';

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

  // Small calls get a plain array, larger ones one whose elements are made when first read: both
  // must be the same array to every reader.
  describe.each([
    ['made at once', 3],
    ['made when first read', EAGER_RESULTS_MAX + 5],
  ])('the results array, %s (%i records)', (_how, count) => {
    const head = count - 1;
    const expected = Array.from({ length: count }, (_, i) =>
      i < head
        ? { topic: 't', partition: 2, offset: 50n + BigInt(i), timestamp: 7 }
        : { topic: 't', partition: 5, offset: 3n, timestamp: 7 },
    );
    const offsets = expected.map((r) => r.offset);
    const settled = async () => {
      const send = new PendingSend('t', count, 7);
      send.complete(head, 1, 5, 3n, -1);
      send.complete(0, head, 2, 50n, -1);
      return send.promise;
    };
    const keys = Array.from({ length: count }, (_, i) => String(i));

    it('is an array of the exact results whichever way it is first read', async () => {
      const bigints = (_k: string, v: unknown) => (typeof v === 'bigint' ? String(v) : v);
      const firstReads: [(r: Awaited<ReturnType<typeof settled>>) => unknown, unknown][] = [
        [(r) => r.length, count],
        [(r) => r[head]?.offset, 3n],
        [(r) => [...r].map((m) => m.offset), offsets],
        [(r) => Object.keys(r), keys],
        [(r) => 1 in r, true],
        [
          (r) => (Object.getOwnPropertyDescriptor(r, '0')?.value as { offset: bigint } | undefined)?.offset,
          50n,
        ],
        [(r) => inspect(r), inspect(expected)],
        [(r) => JSON.stringify(r, bigints), JSON.stringify(expected, bigints)],
      ];
      for (const [read, firstAnswer] of firstReads) {
        const results = await settled();
        expect(read(results)).toEqual(firstAnswer);
        expect(Array.isArray(results)).toBe(true);
        expect(results).toHaveLength(count);
        expect(plain(results)).toEqual(expected);
      }
    });

    it('inspects, serializes and maps as the plain array it stands for', async () => {
      const results = await settled();
      expect(inspect(results)).toBe(inspect(expected));
      const replacer = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);
      expect(JSON.stringify(results, replacer)).toBe(JSON.stringify(expected, replacer));
      const mapped = results.map((r) => r.offset);
      expect(mapped).toEqual(offsets);
      expect(Object.getPrototypeOf(mapped)).toBe(Array.prototype);
      expect(Object.getPrototypeOf(results.slice(1))).toBe(Array.prototype);
      const [first, ...rest] = results;
      expect(first?.offset).toBe(50n);
      expect(rest.map((r) => r.partition)).toEqual(expected.slice(1).map((r) => r.partition));
    });

    it('can be changed, frozen and extended like an array, keeping the results it had', async () => {
      const frozen = Object.freeze(await settled());
      expect(Object.isFrozen(frozen)).toBe(true);
      expect(plain(frozen)).toEqual(expected);
      const grown = await settled();
      grown.push(grown[0]!);
      grown.reverse();
      expect(grown.map((r) => r.offset)).toEqual([...offsets, 50n].reverse());
    });
  });

  it('resolves a call of no records with an empty array', async () => {
    const results = await new PendingSend('t', 0, 0).promise;
    expect(Array.isArray(results)).toBe(true);
    expect(results).toEqual([]);
    expect(inspect(results)).toBe('[]');
  });
});
