// Compile-time checks of Producer.send()'s types, run by `tsc -p libs/client/tsconfig.json` (the
// typecheck target), not by Jest: a line marked @ts-expect-error that compiles fails the check.
// A call's records are typed by the serializers that encode them, never inferred from the records.
import { stringSerializer } from '@runnel/protocol';
import type { Producer } from '../src/producer/producer.js';

export function recordsTypedByTheProducersSerializers(orders: Producer<string, { total: number }>): void {
  void orders.send({ topic: 'orders', messages: [{ key: 'o-1', value: { total: 42 } }] });
  void orders.send({ topic: 'orders', key: 'o-1', value: { total: 42 } });
  // @ts-expect-error a value the producer's value serializer cannot take
  void orders.send({ topic: 'orders', messages: [{ key: 'o-1', value: 42 }] });
  // @ts-expect-error the same, for one record
  void orders.send({ topic: 'orders', key: 'o-1', value: 'forty-two' });
}

export function recordsTypedByTheCallsSerializers(orders: Producer<string, { total: number }>): void {
  void orders.send({ topic: 'notes', messages: [{ value: 'text' }], valueSerializer: stringSerializer });
  // @ts-expect-error a value this call's serializer cannot take
  void orders.send({ topic: 't', messages: [{ value: { total: 1 } }], valueSerializer: stringSerializer });
}

export function withoutSerializersStringsAndBuffersMix(plain: Producer): void {
  void plain.send({ topic: 'raw', messages: [{ value: 'a' }, { value: Buffer.from('b') }, { value: null }] });
  // @ts-expect-error an object needs a serializer
  void plain.send({ topic: 'raw', messages: [{ value: { total: 1 } }] });
}
