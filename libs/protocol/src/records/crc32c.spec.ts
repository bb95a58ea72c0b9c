import { createRequire } from 'node:module';
import fc from 'fast-check';
import { crc32c, crc32cNative, crc32cPure } from './crc32c.js';

const kafkajsCrc32c = createRequire(import.meta.url)('kafkajs/src/protocol/recordBatch/crc32C') as (
  b: Buffer,
) => number;

describe('crc32c', () => {
  it('gives the standard check value for "123456789"', () => {
    const check = Buffer.from('123456789', 'ascii');
    expect(crc32cPure(check)).toBe(0xe3069283);
    expect(crc32c(check)).toBe(0xe3069283);
  });

  it('is 0 for no bytes', () => {
    expect(crc32cPure(new Uint8Array(0))).toBe(0);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('uses the native package when it is installed', () => {
    expect(crc32cNative).toBeDefined();
    expect(crc32c).toBe(crc32cNative);
  });

  it('agrees between pure, native and kafkajs on random data of every alignment', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(7), (data, skip) => {
        const view = data.subarray(Math.min(skip, data.length));
        const expected = kafkajsCrc32c(Buffer.from(view));
        expect(crc32cPure(view)).toBe(expected);
        expect(crc32cNative!(view)).toBe(expected);
      }),
    );
  });

  it('continues from an initial CRC as if the inputs were concatenated', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 100 }), (a, b) => {
        const whole = crc32cPure(Buffer.concat([a, b]));
        expect(crc32cPure(b, crc32cPure(a))).toBe(whole);
        expect(crc32c(b, crc32c(a))).toBe(whole);
      }),
    );
  });
});
