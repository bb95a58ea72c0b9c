import { type GroupDescription, Runnel } from '@runnel/client';

/** The offset `groupId` committed for each partition of `topic` (-1n: none), by partition. */
export async function committedOffsets(bootstrap: string, groupId: string, topic: string): Promise<bigint[]> {
  const admin = new Runnel({ clientId: 'test-admin', brokers: [bootstrap] }).admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return [...offsets!.partitions].sort((a, b) => a.partition - b.partition).map((p) => p.offset);
  } finally {
    await admin.disconnect();
  }
}

export async function describeGroup(bootstrap: string, groupId: string): Promise<GroupDescription> {
  const admin = new Runnel({ clientId: 'test-admin', brokers: [bootstrap] }).admin();
  await admin.connect();
  try {
    const {
      groups: [group],
    } = await admin.describeGroups([groupId]);
    return group!;
  } finally {
    await admin.disconnect();
  }
}

/** Writes `count` records with keys `${prefix}0..` to partition 0 of `topic`; values are `{ n }`. */
export async function produceNumbered(
  bootstrap: string,
  topic: string,
  count: number,
  prefix = 'k',
): Promise<void> {
  const producer = new Runnel({ clientId: 'test-writer', brokers: [bootstrap] }).producer();
  await producer.connect();
  try {
    const messages = Array.from({ length: count }, (_, n) => ({
      key: `${prefix}${n}`,
      value: JSON.stringify({ n }),
      partition: 0,
    }));
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}
