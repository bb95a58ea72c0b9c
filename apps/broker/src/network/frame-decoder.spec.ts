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

  it('returns a frame that lies in one chunk as a view of that chunk, without copying', () => {
    const decoder = new FrameDecoder(1024);
    const chunk = Buffer.concat([frame('inside'), frame('also')]);
    const frames = decoder.push(chunk);
    expect(frames.map(String)).toEqual(['inside', 'also']);
    for (const f of frames) expect(f.buffer).toBe(chunk.buffer);
  });

  it('keeps an incomplete frame as its chunks, counting them, and copies it once it completes', () => {
    const decoder = new FrameDecoder(1 << 20);
    const body = Buffer.alloc(200_000, 7);
    const bytes = Buffer.concat([frame(body.toString('latin1')), frame('tail')]);
    const chunks = [bytes.subarray(0, 3), bytes.subarray(3, 70_000), bytes.subarray(70_000, 140_000)];
    for (const chunk of chunks) expect(decoder.push(chunk)).toEqual([]);
    expect(decoder.buffered).toBe(140_000);
    const frames = decoder.push(bytes.subarray(140_000));
    expect(frames.map((f) => f.length)).toEqual([200_000, 4]);
    expect(frames[0]!.equals(body)).toBe(true);
    expect(String(frames[1])).toBe('tail');
    expect(decoder.buffered).toBe(0);
  });

  it('yields the same frames however the stream is cut into chunks', () => {
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const bodies = Array.from({ length: 200 }, (_, i) => 'x'.repeat(random(3000)) + i);
    const stream = Buffer.concat(bodies.map(frame));
    for (let round = 0; round < 20; round++) {
      const decoder = new FrameDecoder(1 << 20);
      const out: string[] = [];
      for (let at = 0; at < stream.length; ) {
        const end = Math.min(stream.length, at + 1 + random(round % 2 ? 10 : 9000));
        out.push(...decoder.push(stream.subarray(at, end)).map(String));
        at = end;
      }
      expect(out).toEqual(bodies);
      expect(decoder.buffered).toBe(0);
    }
  });

  it('offers each frame to admit once, when its size is read, and returns nothing past a refusal until admitted', () => {
    const offered: number[] = [];
    let room = true;
    const decoder = new FrameDecoder(1024, (bytes) => {
      offered.push(bytes);
      return room;
    });
    const stream = Buffer.concat([frame('first'), frame('second'), frame('third')]);
    // The first frame's size and half its body: admitted at its size, before the body is there.
    expect(decoder.push(stream.subarray(0, 6))).toEqual([]);
    expect(offered).toEqual([9]);
    expect(decoder.admittedBytes).toBe(9);
    room = false;
    expect(decoder.push(stream.subarray(6)).map(String)).toEqual(['first']);
    expect(decoder.refused).toBe(true);
    expect(offered).toEqual([9, 10]);
    expect(decoder.admittedBytes).toBe(0);
    expect(decoder.buffered).toBe(stream.length - 9);
    room = true;
    expect(decoder.push(Buffer.alloc(0)).map(String)).toEqual(['second', 'third']);
    expect(decoder.refused).toBe(false);
    expect(offered).toEqual([9, 10, 10, 9]);
  });
});
