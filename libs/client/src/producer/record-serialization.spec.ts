import { jsonSerializer, SerializationError } from '@runnel/protocol';
import type { Message } from './producer-record.js';
import { headersAt, keyAt, partitionAt, serializeMessages, timestampAt } from './record-serialization.js';

const NOW = 1_700_000_000_000;

describe('serializeMessages', () => {
  it('keeps Buffer and string values as they are, keys as bytes, and makes no column a call does not use', () => {
    const value = Buffer.from('v');
    const records = serializeMessages(
      't',
      [{ value }, { value: 'text' }, { value: null }] as Message[],
      undefined,
      undefined,
      NOW,
    );
    expect(records.values).toEqual([value, 'text', null]);
    expect(records.values[0]).toBe(value);
    expect(records).toMatchObject({ count: 3, keys: null, headers: null, partitions: null, timestamps: NOW });
    expect([
      keyAt(records, 1),
      headersAt(records, 1),
      partitionAt(records, 1),
      timestampAt(records, 1),
    ]).toEqual([null, undefined, undefined, NOW]);
  });

  it('fills a column from the first record that sets it: keys, headers (arrays repeat a key), partitions, timestamps', () => {
    const records = serializeMessages(
      't',
      [
        { value: 'a' },
        {
          key: 'k',
          value: 'b',
          partition: 2,
          timestamp: '1600000000000',
          headers: { h: ['x', Buffer.from('y')], skip: undefined },
        },
      ],
      undefined,
      undefined,
      NOW,
    );
    expect(keyAt(records, 0)).toBeNull();
    expect(keyAt(records, 1)).toEqual(Buffer.from('k'));
    expect(headersAt(records, 0)).toBeUndefined();
    expect(headersAt(records, 1)).toEqual([
      { key: 'h', value: 'x' },
      { key: 'h', value: Buffer.from('y') },
    ]);
    expect([partitionAt(records, 0), partitionAt(records, 1)]).toEqual([undefined, 2]);
    expect([timestampAt(records, 0), timestampAt(records, 1)]).toEqual([NOW, 1_600_000_000_000]);
  });

  it('runs the serializers, null staying null', () => {
    const records = serializeMessages(
      't',
      [{ key: 'k', value: { a: 1 } }, { value: null }],
      jsonSerializer(),
      jsonSerializer(),
      NOW,
    );
    expect(records.values).toEqual([Buffer.from('{"a":1}'), null]);
    expect(keyAt(records, 0)).toEqual(Buffer.from('"k"'));
  });

  it('refuses what it cannot send with a SerializationError naming the topic and the message', () => {
    const refuse = (messages: unknown[]) => () =>
      serializeMessages('orders', messages as never, undefined, undefined, NOW);
    expect(refuse([{ value: 'ok' }, { value: 42 }])).toThrow(
      "topic 'orders': messages[1].value is a number; without a valueSerializer a value must be a Buffer, a string or null",
    );
    expect(refuse([{ key: { id: 1 }, value: 'v' }])).toThrow(/messages\[0\]\.key is an object/);
    expect(refuse([{ value: 'v', headers: { h: 3 } }])).toThrow("messages[0].headers['h'] is a number");
    expect(refuse([{ value: 'v', timestamp: -5 }])).toThrow(
      'messages[0].timestamp -5 is not a non-negative integer',
    );
    expect(refuse([null])).toThrow(SerializationError);
    expect(refuse([null])).toThrow("topic 'orders': messages[0] is null, not a message object");
    expect(() =>
      serializeMessages('orders', [{ value: 'v' }], undefined, { serialize: () => 'text' as never }, NOW),
    ).toThrow("topic 'orders': messages[0].value: the serializer returned a string, not a Buffer or null");
  });
});
