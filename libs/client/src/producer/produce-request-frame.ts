import { Produce } from '@runnel/protocol';

/** The part of a Produce request the producer fills in (versions 0-8, none of them flexible). */
export interface ProduceRequestBody {
  readonly transactionalId: string | null;
  readonly acks: number;
  readonly timeoutMs: number;
  readonly topicData: {
    readonly name: string;
    readonly partitionData: { readonly index: number; readonly records: Buffer | null }[];
  }[];
}

/** The last Produce version before the flexible ones (v9+, compact and tagged fields). */
export const MAX_PRODUCE_FRAME_VERSION = 8;

/**
 * A Produce request frame (size prefix, request header v1, body) as chunks to be written with one
 * writev: the sealed record batches are chunks of their own, never copied, and everything between
 * them (header, topic names, partition indexes, length prefixes) is written into one small buffer
 * whose slices sit between them. `Buffer.concat` of the chunks is byte for byte what
 * `encodeRequestFrame(Produce, version, ...)` makes.
 *
 * Produce v0-v8 share one layout but for `transactionalId`, present from v3; later (flexible)
 * versions are refused: a caller that negotiated one encodes with the schema instead.
 */
export function encodeProduceRequestFrame(
  version: number,
  correlationId: number,
  clientId: string | null,
  body: ProduceRequestBody,
): Buffer[] {
  if (!Number.isInteger(version) || version < 0 || version > MAX_PRODUCE_FRAME_VERSION) {
    throw new RangeError(
      `Produce version ${version} is outside the versions this encoder writes (0-${MAX_PRODUCE_FRAME_VERSION})`,
    );
  }
  const withTransactionalId = version >= 3;
  // Size of the bytes that are not record batches, and of the batches.
  let glue = 4 + 2 + 2 + 4 + stringSize(clientId) + 2 + 4 + 4;
  if (withTransactionalId) glue += stringSize(body.transactionalId);
  let records = 0;
  for (const topic of body.topicData) {
    glue += stringSize(topic.name) + 4;
    for (const partition of topic.partitionData) {
      glue += 4 + 4;
      records += partition.records?.length ?? 0;
    }
  }
  const out = Buffer.allocUnsafe(glue);
  let at = out.writeInt32BE(glue + records - 4, 0);
  at = out.writeInt16BE(Produce.apiKey, at);
  at = out.writeInt16BE(version, at);
  at = out.writeInt32BE(correlationId, at);
  at = writeString(out, at, clientId);
  if (withTransactionalId) at = writeString(out, at, body.transactionalId);
  at = out.writeInt16BE(body.acks, at);
  at = out.writeInt32BE(body.timeoutMs, at);
  at = out.writeInt32BE(body.topicData.length, at);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const topic of body.topicData) {
    at = writeString(out, at, topic.name);
    at = out.writeInt32BE(topic.partitionData.length, at);
    for (const partition of topic.partitionData) {
      at = out.writeInt32BE(partition.index, at);
      const batch = partition.records;
      at = out.writeInt32BE(batch === null ? -1 : batch.length, at);
      if (batch !== null && batch.length > 0) {
        chunks.push(out.subarray(from, at), batch);
        from = at;
      }
    }
  }
  if (from < at) chunks.push(out.subarray(from, at));
  return chunks;
}

function stringSize(value: string | null): number {
  return value === null ? 2 : 2 + Buffer.byteLength(value, 'utf8');
}

function writeString(out: Buffer, at: number, value: string | null): number {
  if (value === null) return out.writeInt16BE(-1, at);
  const length = out.write(value, at + 2, 'utf8');
  if (length > 0x7fff) throw new RangeError(`a string of ${length} UTF-8 bytes does not fit an int16 length`);
  out.writeInt16BE(length, at);
  return at + 2 + length;
}
