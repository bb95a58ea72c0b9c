import { ErrorCode, errorByCode, KafkaError } from '@runnel/protocol';

/**
 * The log store's typed errors: KafkaErrors carrying the code the broker puts on the wire, the
 * retriability Kafka gives that code, and a message naming the value and the limit it broke.
 */

/** OFFSET_OUT_OF_RANGE (1): a fetch or lookup outside [logStartOffset, logEndOffset]. */
export class OffsetOutOfRangeError extends KafkaError {
  constructor(
    readonly offset: bigint,
    readonly logStartOffset: bigint,
    readonly logEndOffset: bigint,
    dir: string,
  ) {
    super(errorByCode(ErrorCode.OFFSET_OUT_OF_RANGE), {
      context: `log ${dir}`,
      message: `offset ${offset} is outside the log's range [${logStartOffset}, ${logEndOffset}]`,
    });
  }
}

/** CORRUPT_MESSAGE (2): a batch whose framing, offsets or CRC are wrong; nothing was appended. */
export class CorruptRecordError extends KafkaError {
  constructor(dir: string, message: string, options: { cause?: unknown } = {}) {
    super(errorByCode(ErrorCode.CORRUPT_MESSAGE), { context: `log ${dir}`, message, cause: options.cause });
  }
}

/**
 * MESSAGE_TOO_LARGE (10) for a batch over `maxMessageBytes`, RECORD_LIST_TOO_LARGE (18) for one
 * that could never fit in a segment of `segmentBytes`; nothing was appended.
 */
export class RecordTooLargeError extends KafkaError {
  constructor(
    dir: string,
    readonly sizeInBytes: number,
    readonly limit: number,
    readonly option: 'maxMessageBytes' | 'segmentBytes',
  ) {
    super(
      errorByCode(
        option === 'maxMessageBytes' ? ErrorCode.MESSAGE_TOO_LARGE : ErrorCode.RECORD_LIST_TOO_LARGE,
      ),
      { context: `log ${dir}`, message: `batch of ${sizeInBytes} bytes is larger than ${option} (${limit})` },
    );
  }
}

/**
 * KAFKA_STORAGE_ERROR (56): an I/O operation failed, or the log is offline because one did. The
 * message names the operation, the file and the values involved; `path` is that file.
 */
export class KafkaStorageError extends KafkaError {
  constructor(
    message: string,
    /** The file or directory the failed operation was on. */
    readonly path: string,
    options: { cause?: unknown } = {},
  ) {
    super(errorByCode(ErrorCode.KAFKA_STORAGE_ERROR), { message, cause: options.cause });
  }
}
