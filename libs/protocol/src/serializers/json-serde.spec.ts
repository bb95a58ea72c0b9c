import { SerializationError } from '../errors/serialization-error.js';
import { jsonDeserializer, jsonSerializer } from './json-serde.js';

interface OrderCreated {
  orderId: string;
  amount: number;
  lines: { sku: string; quantity: number }[];
}

describe('JSON serde', () => {
  const order: OrderCreated = { orderId: 'o-1', amount: 12.5, lines: [{ sku: 'sku-9', quantity: 2 }] };

  it('writes UTF-8 JSON text', () => {
    expect(jsonSerializer<OrderCreated>().serialize(order, { topic: 'orders' })?.toString('utf8')).toBe(
      '{"orderId":"o-1","amount":12.5,"lines":[{"sku":"sku-9","quantity":2}]}',
    );
  });

  it('reads back what it wrote', () => {
    const bytes = jsonSerializer<OrderCreated>().serialize(order);
    expect(jsonDeserializer<OrderCreated>().deserialize(bytes)).toEqual(order);
  });

  it('keeps a null value a tombstone rather than the text null', () => {
    expect(jsonSerializer<OrderCreated>().serialize(null)).toBeNull();
    expect(jsonDeserializer<OrderCreated>().deserialize(null)).toBeNull();
  });

  it('names the record and the parse failure when the bytes are not JSON', () => {
    const deserializer = jsonDeserializer<OrderCreated>();
    const context = { topic: 'orders', partition: 3, offset: 42n };
    let error: unknown;
    try {
      deserializer.deserialize(Buffer.from('{"orderId": "o-1",'), context);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SerializationError);
    const serializationError = error as SerializationError;
    expect(serializationError.message).toMatch(
      /^topic 'orders' partition 3 offset 42: cannot deserialize JSON: \S/,
    );
    expect(serializationError.cause).toBeInstanceOf(SyntaxError);
    expect(serializationError).toMatchObject({ topic: 'orders', partition: 3, offset: 42n });
  });

  it('fails on empty bytes, which are not JSON', () => {
    expect(() => jsonDeserializer().deserialize(Buffer.alloc(0), { topic: 'orders' })).toThrow(
      /^topic 'orders': cannot deserialize JSON/,
    );
  });

  it('refuses values JSON cannot carry, naming the topic', () => {
    const serializer = jsonSerializer<unknown>();
    expect(() => serializer.serialize(undefined, { topic: 'orders' })).toThrow(
      "topic 'orders': cannot serialize undefined as JSON",
    );
    expect(() => serializer.serialize({ amount: 10n }, { topic: 'orders' })).toThrow(SerializationError);
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(() => serializer.serialize(cyclic)).toThrow(/^cannot serialize as JSON: /);
  });
});
