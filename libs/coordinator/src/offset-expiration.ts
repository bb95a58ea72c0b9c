import { decodeSubscription } from '@runnel/protocol';
import type { GroupMetadata } from './group-metadata.js';
import type { OffsetAndMetadata, TopicPartition } from './offset-and-metadata.js';

/** The protocol type of Kafka consumers, whose subscriptions the coordinator can read. */
const CONSUMER_PROTOCOL_TYPE = 'consumer';

/**
 * The committed offsets of `group` that have expired at `now` (Kafka 2.1+ rules, KIP-211):
 * - a commit that carried its own retention (OffsetCommit v2-4) expires at its expireTimestamp;
 * - an Empty group's offsets expire `retentionMs` after the group became Empty: a consumer group
 *   keeps its offsets for as long as it has members, however old the commits;
 * - a group only used to store offsets (protocol type '') expires each offset `retentionMs` after
 *   its commit;
 * - a Stable consumer group expires offsets of topics no member subscribes to any more, counted
 *   from their commit (kept when a subscription cannot be read);
 * - otherwise (rebalancing, or other protocol types with members) nothing expires.
 * A partition with a commit in flight never expires.
 */
export function expiredOffsets(group: GroupMetadata, now: number, retentionMs: number): TopicPartition[] {
  let since: (value: OffsetAndMetadata) => number;
  let subscribed: ReadonlySet<string> = new Set();
  if (group.protocolType === '') {
    since = (value) => value.commitTimestamp;
  } else if (group.is('Empty')) {
    const emptySince = group.currentStateTimestamp;
    since = (value) => emptySince ?? value.commitTimestamp;
  } else if (group.protocolType === CONSUMER_PROTOCOL_TYPE && group.is('Stable')) {
    const topics = subscribedTopics(group);
    if (topics === null) return [];
    subscribed = topics;
    since = (value) => value.commitTimestamp;
  } else {
    return [];
  }
  const expired: TopicPartition[] = [];
  for (const { topic, partition, value } of group.offsets.entries()) {
    if (subscribed.has(topic) || group.offsets.isPending(topic, partition)) continue;
    const isExpired =
      value.expireTimestamp !== null ? now >= value.expireTimestamp : now - since(value) >= retentionMs;
    if (isExpired) expired.push({ topic, partition });
  }
  return expired;
}

/** The topics the members of a Stable consumer group subscribe to; null if one subscription is unreadable. */
function subscribedTopics(group: GroupMetadata): Set<string> | null {
  const protocol = group.protocolName;
  if (protocol === null) return null;
  const topics = new Set<string>();
  try {
    for (const member of group.members.values()) {
      for (const topic of decodeSubscription(member.metadataFor(protocol)).topics) topics.add(topic);
    }
  } catch {
    return null;
  }
  return topics;
}
