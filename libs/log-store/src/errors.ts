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

/**
 * A batch LogValidator refused, with nothing appended: the Kafka code, and apart from it the
 * `description` a produce response's errorMessage carries, naming the field, the value and the
 * limit. Each code has its own subclass, as Kafka has an exception per code.
 */
export abstract class InvalidBatchError extends KafkaError {
  protected constructor(
    code: number,
    dir: string,
    readonly description: string,
    options: { cause?: unknown } = {},
  ) {
    super(errorByCode(code), { context: `log ${dir}`, message: description, cause: options.cause });
  }
}

/** CORRUPT_MESSAGE (2): a batch whose magic, batchLength or CRC is wrong. */
export class CorruptRecordError extends InvalidBatchError {
  constructor(dir: string, description: string, options: { cause?: unknown } = {}) {
    super(ErrorCode.CORRUPT_MESSAGE, dir, description, options);
  }
}

/**
 * INVALID_RECORD (87): no whole batch, more than one, or header fields a producer may not send
 * (a base offset, inconsistent counts, a control batch, an idempotent batch without a sequence).
 */
export class InvalidRecordError extends InvalidBatchError {
  constructor(dir: string, description: string) {
    super(ErrorCode.INVALID_RECORD, dir, description);
  }
}

/** UNSUPPORTED_FOR_MESSAGE_FORMAT (43): a legacy message set (magic 0 or 1); logs store magic 2 only. */
export class UnsupportedForMessageFormatError extends InvalidBatchError {
  constructor(dir: string, description: string) {
    super(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, dir, description);
  }
}

/** UNSUPPORTED_COMPRESSION_TYPE (76): an unknown codec id, or zstd where the request may not use it. */
export class UnsupportedCompressionTypeError extends InvalidBatchError {
  constructor(dir: string, description: string) {
    super(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, dir, description);
  }
}

/** INVALID_TXN_STATE (48): a transactional batch; logs keep no transaction index, so nothing could commit it. */
export class InvalidTxnStateError extends InvalidBatchError {
  constructor(dir: string, description: string) {
    super(ErrorCode.INVALID_TXN_STATE, dir, description);
  }
}

/** OUT_OF_ORDER_SEQUENCE_NUMBER (45): an idempotent batch whose sequence does not follow its producer's last. */
export class OutOfOrderSequenceError extends InvalidBatchError {
  constructor(dir: string, description: string) {
    super(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, dir, description);
  }
}

/** INVALID_PRODUCER_EPOCH (47): a batch from an epoch older than its producer's (sent instead of PRODUCER_FENCED since Kafka 2.7). */
export class InvalidProducerEpochError extends InvalidBatchError {
  constructor(dir: string, description: string) {
    super(ErrorCode.INVALID_PRODUCER_EPOCH, dir, description);
  }
}

/**
 * MESSAGE_TOO_LARGE (10) for a batch over `maxMessageBytes` (max.message.bytes),
 * RECORD_LIST_TOO_LARGE (18) for one that could never fit in a segment of `segmentBytes`
 * (segment.bytes).
 */
export class RecordTooLargeError extends InvalidBatchError {
  constructor(
    dir: string,
    readonly sizeInBytes: number,
    readonly limit: number,
    readonly option: 'maxMessageBytes' | 'segmentBytes',
  ) {
    super(
      option === 'maxMessageBytes' ? ErrorCode.MESSAGE_TOO_LARGE : ErrorCode.RECORD_LIST_TOO_LARGE,
      dir,
      `batch of ${sizeInBytes} bytes is larger than ${option === 'maxMessageBytes' ? 'max.message.bytes' : 'segment.bytes'} (${limit})`,
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
