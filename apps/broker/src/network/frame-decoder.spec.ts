import { FrameDecoder, FrameSizeError } from './frame-decoder.js';

function frame(body: string): Buffer {
  const b = Buffer.from(body);
  const size = Buffer.alloc(4);
  size.writeInt32BE(b.length);
  return Buffer.concat([size, b]);
}

describe('FrameDecoder', () => {
  it('splits several frames arriving in one chunk', () => {
    const decoder = new FrameDecoder(1024);
    const frames = decoder.push(Buffer.concat([frame('one'), frame('two'), frame('')]));
    expect(frames.map(String)).toEqual(['one', 'two', '']);
  });

  it('reassembles a frame split at every byte, size prefix included', () => {
    const decoder = new FrameDecoder(1024);
    const bytes = Buffer.concat([frame('hello'), frame('world')]);
    const frames: string[] = [];
    for (const byte of bytes) frames.push(...decoder.push(Buffer.from([byte])).map(String));
    expect(frames).toEqual(['hello', 'world']);
  });

  it('refuses a size above the limit before buffering its body', () => {
    const decoder = new FrameDecoder(10);
    expect(() => decoder.push(Buffer.from('0000000b', 'hex'))).toThrow(FrameSizeError);
    expect(() => new FrameDecoder(10).push(Buffer.from('ffffffff', 'hex'))).toThrow(/outside 0\.\.10/);
  });
});
