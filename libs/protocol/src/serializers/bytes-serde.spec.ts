import { bytesDeserializer, bytesSerializer } from './bytes-serde.js';

describe('bytes serde', () => {
  it('passes bytes through without copying, both ways', () => {
    const bytes = Buffer.from([0, 1, 254, 255]);
    expect(bytesSerializer.serialize(bytes, { topic: 'raw' })).toBe(bytes);
    expect(bytesDeserializer.deserialize(bytes, { topic: 'raw', partition: 0, offset: 7n })).toBe(bytes);
  });

  it('keeps null as null, like a tombstone', () => {
    expect(bytesSerializer.serialize(null)).toBeNull();
    expect(bytesDeserializer.deserialize(null)).toBeNull();
  });
});
