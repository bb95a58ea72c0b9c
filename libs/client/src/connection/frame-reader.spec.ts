import { FrameReader } from './frame-reader.js';

function frameOf(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);
  return Buffer.concat([size, payload]);
}

function readAll(reader: FrameReader): Buffer[] {
  const out: Buffer[] = [];
  for (let frame = reader.next(); frame !== undefined; frame = reader.next()) out.push(frame);
  return out;
}

/** Same frames, byte for byte (jest's toEqual walks buffers element by element: too slow here). */
function sameFrames(actual: Buffer[], expected: Buffer[]): boolean {
  return actual.length === expected.length && actual.every((frame, i) => frame.equals(expected[i] as Buffer));
}

describe('FrameReader', () => {
  const payloads = [
    Buffer.from('a'),
    Buffer.alloc(0),
    Buffer.alloc(300, 7),
    Buffer.from('hello world'),
    Buffer.alloc(5000, 3),
  ];
  const stream = Buffer.concat(payloads.map(frameOf));

  it('cuts the same frames out of a stream split at every position', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const reader = new FrameReader();
      reader.push(stream.subarray(0, cut));
      const frames = readAll(reader);
      reader.push(stream.subarray(cut));
      frames.push(...readAll(reader));
      expect(sameFrames(frames, payloads)).toBe(true);
      expect(reader.bufferedBytes).toBe(0);
    }
  });

  it('cuts the same frames out of a stream arriving byte by byte and in random chunks', () => {
    const one = new FrameReader();
    const byByte: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) {
      one.push(stream.subarray(i, i + 1));
      byByte.push(...readAll(one));
    }
    expect(sameFrames(byByte, payloads)).toBe(true);

    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let round = 0; round < 50; round++) {
      const reader = new FrameReader();
      const frames: Buffer[] = [];
      for (let at = 0; at < stream.length; ) {
        const length = 1 + (random() % 700);
        reader.push(stream.subarray(at, at + length));
        at += length;
        frames.push(...readAll(reader));
      }
      expect(sameFrames(frames, payloads)).toBe(true);
    }
  });

  it('hands out a frame that lies inside one chunk as a view of it, without copying', () => {
    const chunk = Buffer.concat([frameOf(Buffer.from('first')), frameOf(Buffer.from('second'))]);
    const reader = new FrameReader();
    reader.push(chunk);
    const first = reader.next() as Buffer;
    expect(first.toString()).toBe('first');
    expect(first.buffer).toBe(chunk.buffer);
    expect(first.byteOffset).toBe(chunk.byteOffset + 4);
  });

  it('waits for the rest of a frame and reports what it holds', () => {
    const reader = new FrameReader();
    const frame = frameOf(Buffer.alloc(100, 1));
    reader.push(frame.subarray(0, 50));
    expect(reader.next()).toBeUndefined();
    expect(reader.bufferedBytes).toBe(46);
    reader.push(frame.subarray(50));
    expect(reader.next()).toEqual(Buffer.alloc(100, 1));
    expect(reader.next()).toBeUndefined();
  });

  it('refuses a negative frame size', () => {
    const reader = new FrameReader();
    reader.push(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
    expect(() => reader.next()).toThrow('frame size -2 is negative');
  });
});
