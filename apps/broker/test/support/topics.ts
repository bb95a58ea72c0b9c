import { CreateTopics, ErrorCode } from '@runnel/protocol';
import type { RawClient } from './raw-client.js';

/** Creates `name` (CreateTopics v4) with topic-level `configs`; fails on any error code. */
export async function createTopic(
  client: RawClient,
  name: string,
  partitions: number,
  configs: Record<string, string> = {},
): Promise<void> {
  const { topics } = await client.request(CreateTopics, 4, {
    topics: [
      {
        name,
        numPartitions: partitions,
        replicationFactor: 1,
        assignments: [],
        configs: Object.entries(configs).map(([configName, value]) => ({ name: configName, value })),
      },
    ],
    timeoutMs: 10_000,
  });
  if (topics[0]?.errorCode !== ErrorCode.NONE) {
    throw new Error(
      `CreateTopics ${name} failed with error ${topics[0]?.errorCode}: ${topics[0]?.errorMessage}`,
    );
  }
}
