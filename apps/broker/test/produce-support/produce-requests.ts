import { encodeRecordBatch, type InputOf, type Produce, type RequestOf } from '@runnel/protocol';

type ProduceInput = InputOf<RequestOf<typeof Produce>>;

/** A Produce request of one batch (`records`, null allowed) per listed partition of `topic`. */
export function produceOf(
  topic: string,
  partitions: readonly { index: number; records: Buffer | null }[],
  options: { acks?: number; timeoutMs?: number; transactionalId?: string | null } = {},
): ProduceInput {
  return {
    transactionalId: options.transactionalId ?? null,
    acks: options.acks ?? 1,
    timeoutMs: options.timeoutMs ?? 30_000,
    topicData: [{ name: topic, partitionData: partitions.map(({ index, records }) => ({ index, records })) }],
  };
}

/** The partition responses of a Produce response, flattened, for comparisons. */
export function partitionResults(response: {
  responses: readonly {
    name: string;
    partitionResponses: readonly { index: number; errorCode: number; baseOffset: bigint }[];
  }[];
}): { topic: string; index: number; errorCode: number; baseOffset: bigint }[] {
  return response.responses.flatMap(({ name, partitionResponses }) =>
    partitionResponses.map(({ index, errorCode, baseOffset }) => ({
      topic: name,
      index,
      errorCode,
      baseOffset,
    })),
  );
}

/** A batch of one record per value, timestamped now, with the producer fields of `options`. */
export function batchOf(
  values: readonly string[],
  options: { producerId?: bigint; producerEpoch?: number; baseSequence?: number } = {},
): Promise<Buffer> {
  const timestamp = Date.now();
  return encodeRecordBatch({
    records: values.map((value) => ({ value: Buffer.from(value), timestamp })),
    ...options,
  });
}
