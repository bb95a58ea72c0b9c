import { SerializationError } from '../errors/serialization-error.js';
import type { Deserializer, Serializer } from './serializer.js';

/**
 * A value as UTF-8 JSON text (`JSON.stringify`). A null value stays a null record (a tombstone), not
 * the text `null`. Values JSON cannot carry (undefined, a function, a bigint, a cycle) throw a
 * SerializationError naming the topic.
 */
export function jsonSerializer<T>(): Serializer<T> {
  return {
    serialize(value, context) {
      if (value === null) return null;
      const location = context === undefined ? undefined : { topic: context.topic };
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch (cause) {
        throw new SerializationError(`cannot serialize as JSON: ${(cause as Error).message}`, {
          location,
          cause,
        });
      }
      if (text === undefined) {
        throw new SerializationError(`cannot serialize ${typeof value} as JSON`, { location });
      }
      return Buffer.from(text, 'utf8');
    },
  };
}

/**
 * UTF-8 JSON text as a value (`JSON.parse`). The result is typed `T` but not checked: JSON gives no
 * guarantee about its shape (classValidatorDeserializer in `@runnel/protocol/class-validator` does
 * check). Text that is not JSON throws a SerializationError naming the record's topic, partition and
 * offset (when the context has them) and the parser's complaint.
 */
export function jsonDeserializer<T>(): Deserializer<T> {
  return {
    deserialize(bytes, context) {
      if (bytes === null) return null;
      try {
        return JSON.parse(bytes.toString('utf8')) as T;
      } catch (cause) {
        throw new SerializationError(`cannot deserialize JSON: ${(cause as Error).message}`, {
          location: context,
          cause,
        });
      }
    },
  };
}
