import { ProtocolError } from '../errors/protocol-error.js';
import { snappy } from './snappy.js';

const XERIAL_HEADER = '82534e41505059000000000100000001';
/** Raw snappy by hand: uvarint length, then a literal tag ((length - 1) << 2) and the bytes. */
const RAW_FOOBAR = '07' + '18' + Buffer.from('foobar\n').toString('hex');
const RAW_BAZ = '03' + '08' + Buffer.from('baz').toString('hex');

describe('snappy codec', () => {
  it('reads a hand-built xerial stream of two blocks, as the Java client writes', () => {
    const framed = Buffer.from(XERIAL_HEADER + '00000009' + RAW_FOOBAR + '00000005' + RAW_BAZ, 'hex');
    expect(snappy.decompress(framed, 1024).toString()).toBe('foobar\nbaz');
  });

  it('reads raw snappy with no framing, as librdkafka writes', () => {
    expect(snappy.decompress(Buffer.from(RAW_FOOBAR, 'hex'), 1024).toString()).toBe('foobar\n');
  });

  it('writes the xerial header and 32 KiB blocks', () => {
    const data = Buffer.alloc(70_000, 'x');
    const framed = snappy.compress(data) as Buffer;
    expect(framed.subarray(0, 16).toString('hex')).toBe(XERIAL_HEADER);
    let blocks = 0;
    for (let pos = 16; pos < framed.length; pos += 4 + framed.readInt32BE(pos)) blocks++;
    expect(blocks).toBe(3);
  });

  it('refuses raw snappy declaring more than maxSize before inflating it', () => {
    const declaresFourGiB = Buffer.from('ffffffff0f' + '00', 'hex');
    expect(() => snappy.decompress(declaresFourGiB, 1024)).toThrow(
      /4294967295 bytes or more, above the limit of 1024/,
    );
  });

  it('refuses a xerial stream whose blocks together declare more than maxSize', () => {
    const framed = Buffer.from(XERIAL_HEADER + '00000009' + RAW_FOOBAR + '00000009' + RAW_FOOBAR, 'hex');
    expect(() => snappy.decompress(framed, 10)).toThrow(/14 bytes or more, above the limit of 10/);
  });

  it('refuses a xerial block longer than the bytes left', () => {
    const framed = Buffer.from(XERIAL_HEADER + '0000000a' + RAW_FOOBAR, 'hex');
    expect(() => snappy.decompress(framed, 1024)).toThrow(ProtocolError);
  });
});
