import { ProtocolError } from '../errors/protocol-error.js';

/**
 * A batch uses a codec this process cannot handle: an unassigned codec number (5-7), or a codec
 * whose optional package is not installed. Kafka's error code for it is
 * UNSUPPORTED_COMPRESSION_TYPE (76).
 */
export class UnsupportedCompressionTypeError extends ProtocolError {
  constructor(
    message: string,
    /** The codec number from the batch attributes. */
    readonly compressionType: number,
  ) {
    super(message, 'RecordBatch.attributes');
  }
}
