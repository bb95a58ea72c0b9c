import { ProtocolError } from '../errors/protocol-error.js';
import { compress, decompress } from './compression.js';
import { CompressionType } from './compression-type.js';
import { lz4FrameBound } from './lz4.js';

/** Frame header with FLG 0x60 (version 01, independent blocks), BD 0x50 (256 KiB blocks), HC. */
const HEADER = Buffer.from('04224d18' + '60' + '50' + 'fb', 'hex');
const END_MARK = Buffer.alloc(4);

/** An LZ4 block that inflates to `length` bytes of 'a': one literal, one long match, 5 literals. */
function runBlock(length: number): Buffer {
  const extension: number[] = [];
  let rest = length - 6 - 4 - 15;
  for (; rest >= 255; rest -= 255) extension.push(255);
  extension.push(rest);
  const body = Buffer.from([0x1f, 0x61, 0x01, 0x00, ...extension, 0x50, ...Buffer.from('aaaaa')]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(body.length);
  return Buffer.concat([size, body]);
}

describe('lz4 codec', () => {
  it('reads a hand-built frame', async () => {
    const frame = Buffer.concat([HEADER, runBlock(1000), END_MARK]);
    expect(await decompress(CompressionType.Lz4, frame)).toEqual(Buffer.alloc(1000, 'a'));
  });

  it('bounds a frame by its block maximum per compressed block', () => {
    const frame = Buffer.concat([HEADER, runBlock(1000), runBlock(1000), END_MARK]);
    expect(lz4FrameBound(frame)).toBe(2 * 256 * 1024);
  });

  it('refuses a frame of many small blocks before inflating past maxSize', async () => {
    const bomb = Buffer.concat([
      HEADER,
      ...Array.from({ length: 300 }, () => runBlock(256 * 1024)),
      END_MARK,
    ]);
    expect(bomb.length).toBeLessThan(400_000);
    await expect(decompress(CompressionType.Lz4, bomb)).rejects.toThrow(
      /lz4 data would decompress to 78643200 bytes or more, above the limit of 67108864/,
    );
  });

  it('refuses a block that inflates past the frame block maximum', async () => {
    const frame = Buffer.concat([HEADER, runBlock(300_000), END_MARK]);
    await expect(decompress(CompressionType.Lz4, frame)).rejects.toThrow(ProtocolError);
  });

  it('writes frames of independent blocks without checksums', async () => {
    const frame = await compress(CompressionType.Lz4, Buffer.alloc(1000, 'b'));
    expect(frame.readUInt32LE(0)).toBe(0x184d2204);
    expect(frame[4]).toBe(0x60);
  });

  it('refuses framing that is not an LZ4 frame or is cut short', () => {
    expect(() => lz4FrameBound(Buffer.from('00000000', 'hex'))).toThrow(/magic 0x0 is not an LZ4 frame/);
    expect(() => lz4FrameBound(Buffer.concat([HEADER, runBlock(1000)]))).toThrow(/block size cut short/);
  });
});
