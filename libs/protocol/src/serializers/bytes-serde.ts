import type { Deserializer, Serializer } from './serializer.js';

/** Bytes in, the same bytes out (no copy). Kafka's ByteArraySerializer. */
export const bytesSerializer: Serializer<Buffer> = {
  serialize: (value) => value,
};

/** The record's bytes as they are: a view into the fetched data, no copy. Kafka's ByteArrayDeserializer. */
export const bytesDeserializer: Deserializer<Buffer> = {
  deserialize: (bytes) => bytes,
};
