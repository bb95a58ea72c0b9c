import type { Deserializer, Serializer } from './serializer.js';

/** A string as UTF-8 bytes. Kafka's StringSerializer with its default encoding. */
export const stringSerializer: Serializer<string> = {
  serialize: (value) => (value === null ? null : Buffer.from(value, 'utf8')),
};

/**
 * UTF-8 bytes as a string. Like Kafka's StringDeserializer, malformed UTF-8 is decoded with U+FFFD
 * replacement characters rather than rejected.
 */
export const stringDeserializer: Deserializer<string> = {
  deserialize: (bytes) => (bytes === null ? null : bytes.toString('utf8')),
};
