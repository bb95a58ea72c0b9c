import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { ProtocolError } from '../errors/protocol-error.js';
import { compress, decompress } from './compression.js';
import { CompressionType } from './compression-type.js';
import { requireCodecPackage } from './optional-package.js';
import { UnsupportedCompressionTypeError } from './unsupported-compression-type-error.js';

const CODECS = [
  CompressionType.None,
  CompressionType.Gzip,
  CompressionType.Snappy,
  CompressionType.Lz4,
  CompressionType.Zstd,
] as const;

/** Compressible text with a little randomness: two random hex digits per line. */
function text(lines: number): Buffer {
  return Buffer.from(
    Array.from({ length: lines }, (_, i) => `line ${i}: ${randomBytes(1).toString('hex')}\n`).join(''),
  );
}

describe('compression codecs', () => {
  it.each(CODECS)('round-trips empty, small, random and multi-block data with codec %i', async (type) => {
    for (const data of [Buffer.alloc(0), Buffer.from('a'), randomBytes(1000), text(20_000)]) {
      const compressed = await compress(type, data);
      expect(await decompress(type, compressed)).toEqual(data);
    }
  });

  it.each(CODECS.filter((t) => t !== CompressionType.None))(
    'shrinks compressible data with codec %i',
    async (type) => {
      const data = text(1000);
      expect((await compress(type, data)).length).toBeLessThan(data.length / 2);
    },
  );

  it('returns uncompressed data as it is', async () => {
    const data = Buffer.from('records');
    expect(await compress(CompressionType.None, data)).toBe(data);
    expect(await decompress(CompressionType.None, data)).toBe(data);
  });

  it('refuses codec numbers Kafka does not define', async () => {
    await expect(decompress(5, Buffer.alloc(4))).rejects.toThrow(
      new UnsupportedCompressionTypeError('compression type 5 is not one Kafka defines (0-4)', 5),
    );
  });

  it('names the optional package to install when it is missing', () => {
    expect(() => requireCodecPackage('runnel-no-such-package', CompressionType.Snappy)).toThrow(
      "RecordBatch.attributes: snappy compression needs the optional package 'runnel-no-such-package': npm install runnel-no-such-package",
    );
    expect(() => requireCodecPackage('runnel-no-such-package', CompressionType.Snappy)).toThrow(
      UnsupportedCompressionTypeError,
    );
  });

  it('stops gzip output at maxSize', async () => {
    const compressed = await compress(CompressionType.Gzip, Buffer.alloc(4 * 1024 * 1024));
    expect(compressed.length).toBeLessThan(10_000);
    await expect(decompress(CompressionType.Gzip, compressed, 1024 * 1024)).rejects.toThrow(
      /above the limit of 1048576/,
    );
    expect((await decompress(CompressionType.Gzip, compressed, 4 * 1024 * 1024)).length).toBe(
      4 * 1024 * 1024,
    );
  });

  it.each(CODECS.filter((t) => t !== CompressionType.None))(
    'turns any corrupt input for codec %i into a ProtocolError',
    async (type) => {
      const valid = await compress(type, text(100));
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
            fc.nat(valid.length - 1).map((n) => valid.subarray(0, n)),
            fc.tuple(fc.nat(valid.length - 1), fc.nat(7)).map(([i, bit]) => {
              const flipped = Buffer.from(valid);
              flipped[i]! ^= 1 << bit;
              return flipped;
            }),
          ),
          async (input) => {
            try {
              await decompress(type, input, 1024 * 1024);
            } catch (e) {
              expect(e).toBeInstanceOf(ProtocolError);
            }
          },
        ),
        { numRuns: 200 },
      );
    },
  );
});
