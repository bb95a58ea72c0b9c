import { stringDeserializer, stringSerializer } from './string-serde.js';

describe('string serde', () => {
  it('writes UTF-8 bytes', () => {
    expect(stringSerializer.serialize('카프카 ✓')).toEqual(
      Buffer.from([0xec, 0xb9, 0xb4, 0xed, 0x94, 0x84, 0xec, 0xb9, 0xb4, 0x20, 0xe2, 0x9c, 0x93]),
    );
  });

  it('reads back what it wrote', () => {
    const text = 'order-42 — 카프카 🚀';
    expect(stringDeserializer.deserialize(stringSerializer.serialize(text))).toBe(text);
  });

  it('serializes the empty string as zero bytes, not as null', () => {
    expect(stringSerializer.serialize('')).toEqual(Buffer.alloc(0));
    expect(stringDeserializer.deserialize(Buffer.alloc(0))).toBe('');
  });

  it('replaces malformed UTF-8 instead of failing, as Kafka does', () => {
    expect(stringDeserializer.deserialize(Buffer.from([0x61, 0xff, 0x62]))).toBe('a\ufffdb');
  });

  it('keeps null as null', () => {
    expect(stringSerializer.serialize(null)).toBeNull();
    expect(stringDeserializer.deserialize(null)).toBeNull();
  });
});
