import { type BatchHeader, ProtocolError, readBatchHeader, verifyBatch } from '@runnel/protocol';
import { CorruptRecordError, RecordTooLargeError } from './errors.js';
import type { LogConfig } from './log-config.js';

/**
 * What `PartitionLog.append` checks before it writes anything: exactly one RecordBatch v2 whose
 * framing and (unless `validated`) CRC are sound, with offsets a producer can send (1 <=
 * recordCount <= lastOffsetDelta + 1), within maxMessageBytes and small enough for a segment.
 * Returns the batch's header; throws CorruptRecordError or RecordTooLargeError.
 */
export function checkAppendBatch(
  dir: string,
  batch: Buffer,
  config: LogConfig,
  validated: boolean,
): BatchHeader {
  let header: BatchHeader;
  try {
    header = validated ? readBatchHeader(batch) : verifyBatch(batch);
  } catch (error) {
    if (error instanceof ProtocolError) throw new CorruptRecordError(dir, error.message, { cause: error });
    throw error;
  }
  if (batch.length !== header.sizeInBytes) {
    throw new CorruptRecordError(
      dir,
      `buffer of ${batch.length} bytes holds a batch of ${header.sizeInBytes}; append takes exactly one batch`,
    );
  }
  if (
    header.lastOffsetDelta < 0 ||
    header.recordCount < 1 ||
    header.recordCount > header.lastOffsetDelta + 1
  ) {
    throw new CorruptRecordError(
      dir,
      `batch has lastOffsetDelta ${header.lastOffsetDelta} and recordCount ${header.recordCount}; it needs 1 <= recordCount <= lastOffsetDelta + 1`,
    );
  }
  if (header.sizeInBytes > config.maxMessageBytes) {
    throw new RecordTooLargeError(dir, header.sizeInBytes, config.maxMessageBytes, 'maxMessageBytes');
  }
  if (header.sizeInBytes > config.segmentBytes) {
    throw new RecordTooLargeError(dir, header.sizeInBytes, config.segmentBytes, 'segmentBytes');
  }
  return header;
}
