import { ErrorCode } from '@runnel/protocol';
import type { DescribedGroup, GroupMetrics } from './admin-types.js';
import type { GroupMetadata } from './group-metadata.js';

const EMPTY = Buffer.alloc(0);

/**
 * A group as DescribeGroups shows it (Kafka's GroupMetadata.summary): protocol, member metadata and
 * assignments only while Stable, when they are consistent. An unknown group is Dead, not an error.
 */
export function describeGroup(groupId: string, group: GroupMetadata | undefined): DescribedGroup {
  if (group === undefined) {
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      groupState: 'Dead',
      protocolType: '',
      protocolData: '',
      members: [],
    };
  }
  const stableProtocol = group.is('Stable') ? group.protocolName : null;
  return {
    errorCode: ErrorCode.NONE,
    groupId,
    groupState: group.state,
    protocolType: group.protocolType,
    protocolData: stableProtocol ?? '',
    members: [...group.members.values()].map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      clientId: member.clientId,
      clientHost: member.clientHost,
      memberMetadata: stableProtocol === null ? EMPTY : member.metadataFor(stableProtocol),
      memberAssignment: stableProtocol === null ? EMPTY : member.assignment,
    })),
  };
}

export function groupMetrics(group: GroupMetadata): GroupMetrics {
  return {
    groupId: group.groupId,
    state: group.state,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    generationId: group.generationId,
    memberCount: group.size,
    offsets: [...group.offsets.entries()].map(({ topic, partition, value }) => ({
      topic,
      partition,
      offset: value.offset,
      leaderEpoch: value.leaderEpoch,
      metadata: value.metadata,
      commitTimestamp: value.commitTimestamp,
    })),
  };
}
