import { Writer } from './writer.js';

describe('Writer.int64', () => {
  const values = [
    0n,
    1n,
    -1n,
    1700000000000n,
    2n ** 32n,
    -(2n ** 32n) - 1n,
    2n ** 53n - 1n,
    -(2n ** 53n) + 1n,
    2n ** 53n,
    2n ** 53n + 1n,
    -(2n ** 53n) - 1n,
    2n ** 63n - 1n,
    -(2n ** 63n),
  ];

  it.each(values)('writes %p as writeBigInt64BE does', (value) => {
    const expected = Buffer.alloc(8);
    expected.writeBigInt64BE(value);
    expect(new Writer().int64(value).finish()).toEqual(expected);
  });

  it('refuses what writeBigInt64BE refuses, with its errors: values outside int64, and numbers', () => {
    const errorOf = (write: () => unknown) => {
      try {
        write();
      } catch (err) {
        return `${(err as Error).name}: ${(err as Error).message}`;
      }
      return 'no error';
    };
    for (const value of [2n ** 63n, -(2n ** 63n) - 1n, 5 as unknown as bigint]) {
      const expected = errorOf(() => Buffer.alloc(8).writeBigInt64BE(value));
      expect(expected).not.toBe('no error');
      expect(errorOf(() => new Writer().int64(value))).toBe(expected);
    }
  });
});
