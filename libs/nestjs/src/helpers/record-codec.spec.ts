import { decodeHeaders, decodeValue, encodeValue, toOutgoingRecord } from './record-codec.js';

describe('record values as NestJS Transport.KAFKA reads and writes them', () => {
  it('reads JSON objects and arrays, strings as strings, a leading zero byte as bytes', () => {
    expect(decodeValue(Buffer.from('{"id":1}'))).toEqual({ id: 1 });
    expect(decodeValue(Buffer.from('[1,2]'))).toEqual([1, 2]);
    expect(decodeValue(Buffer.from('{not json'))).toBe('{not json');
    expect(decodeValue(Buffer.from('42'))).toBe('42');
    expect(decodeValue(null)).toBeNull();
    const schemaPayload = Buffer.from([0, 1, 2]);
    expect(decodeValue(schemaPayload)).toBe(schemaPayload);
  });

  it('writes objects and arrays as JSON, strings and bytes as they are, undefined as null', () => {
    expect(encodeValue({ id: 1 })).toBe('{"id":1}');
    expect(encodeValue([1])).toBe('[1]');
    expect(encodeValue('text')).toBe('text');
    expect(encodeValue(undefined)).toBeNull();
    expect(encodeValue(7)).toBe('7');
    expect(encodeValue(new Date(0))).toBe(String(new Date(0)));
  });

  it('takes an object with key or value as a Kafka message, anything else as the value', () => {
    expect(toOutgoingRecord({ id: 1 })).toEqual({ key: null, value: '{"id":1}', headers: {} });
    expect(toOutgoingRecord({ key: 'o-1', value: { id: 1 }, headers: { h: 'v' }, partition: 2 })).toEqual({
      key: 'o-1',
      value: '{"id":1}',
      headers: { h: 'v' },
      partition: 2,
    });
  });

  it('decodes headers to strings, a repeated header to its values in order', () => {
    const headers = Object.assign(Object.create(null), {
      a: Buffer.from('x'),
      b: [Buffer.from('1'), Buffer.from('2')],
    });
    expect({ ...decodeHeaders(headers) }).toEqual({ a: 'x', b: ['1', '2'] });
  });
});
