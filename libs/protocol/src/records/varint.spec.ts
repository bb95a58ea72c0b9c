import fc from 'fast-check';
import { Reader } from '../bytes/reader.js';
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.js';

describe('record varints', () => {
  it('write every int32 as the general Reader reads it, in exactly the size computed', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (v) => {
        const buf = Buffer.alloc(5);
        const end = writeVarint(buf, 0, v);
        expect(end).toBe(sizeOfVarint(v));
        expect(new Reader(buf, 0, end).varint()).toBe(v);
      }),
    );
  });

  it('write every safe integer as a varlong the general Reader reads, in exactly the size computed', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.maxSafeInteger(),
          fc.constantFrom(
            2 ** 48 - 1,
            2 ** 48,
            -(2 ** 48),
            -(2 ** 48) - 1,
            Number.MAX_SAFE_INTEGER,
            Number.MIN_SAFE_INTEGER,
          ),
        ),
        (v) => {
          const buf = Buffer.alloc(10);
          const end = writeVarlong(buf, 0, v);
          expect(end).toBe(sizeOfVarlong(v));
          expect(new Reader(buf, 0, end).varlong()).toBe(BigInt(v));
        },
      ),
    );
  });
});
