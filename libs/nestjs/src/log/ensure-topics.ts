import type { Runnel } from '@runnel/client';

/**
 * Creates those of `topics` that are missing, with `numPartitions` each. Topics that exist are
 * left as they are, so two services starting at once, or a restart, change nothing.
 */
export async function ensureTopics(
  runnel: Runnel,
  topics: readonly string[],
  numPartitions: number,
): Promise<void> {
  const admin = runnel.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions })) });
  } finally {
    await admin.disconnect();
  }
}
