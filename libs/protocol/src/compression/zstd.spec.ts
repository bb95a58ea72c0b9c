import { compress, decompress } from './compression.js';
import { CompressionType } from './compression-type.js';
import { zstdFrameBound } from './zstd.js';

/** Frame with no content size (descriptor 0x00) and a 2 MiB window, then RLE blocks of 'a'. */
function rleFrame(blocks: number, blockSize: number): Buffer {
  const parts = [Buffer.from('28b52ffd' + '00' + '58', 'hex')];
  for (let i = 0; i < blocks; i++) {
    const header = (blockSize << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff, 0x61]));
  }
  return Buffer.concat(parts);
}

describe('zstd codec', () => {
  it('reads a hand-built frame without a content size, as streaming writers produce', async () => {
    expect(await decompress(CompressionType.Zstd, rleFrame(3, 1000))).toEqual(Buffer.alloc(3000, 'a'));
  });

  it('refuses a frame of RLE blocks inflating past maxSize before inflating it', async () => {
    const bomb = rleFrame(1000, 100_000);
    expect(bomb.length).toBe(4006);
    expect(zstdFrameBound(bomb)).toBe(100_000_000);
    await expect(decompress(CompressionType.Zstd, bomb)).rejects.toThrow(
      /zstd data would decompress to 100000000 bytes or more, above the limit of 67108864/,
    );
  });

  it('bounds a compressed block by the 128 KiB block maximum', async () => {
    const frame = await compress(CompressionType.Zstd, Buffer.from('abc'.repeat(10_000)));
    expect(zstdFrameBound(frame)).toBe(128 * 1024);
  });

  it('refuses framing that is not a zstd frame or is cut short', () => {
    expect(() => zstdFrameBound(Buffer.from('00000000', 'hex'))).toThrow(/magic 0x0 is not a zstd frame/);
    expect(() => zstdFrameBound(rleFrame(3, 1000).subarray(0, 9))).toThrow(/block cut short/);
  });
});
