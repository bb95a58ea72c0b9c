/**
 * Thrown when bytes cannot be decoded (or a value cannot be encoded) as the Kafka protocol says.
 * The message names the field being read, the offending value and the limit it broke, so a bad
 * frame in a broker log points straight at the problem. Decoders throw nothing else: random,
 * truncated and bit-flipped input only ever produces a ProtocolError.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';

  constructor(
    message: string,
    /** The field being read or written when the problem was found, e.g. `topics[0].name`. */
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(field === undefined ? message : `${field}: ${message}`, options);
  }
}
