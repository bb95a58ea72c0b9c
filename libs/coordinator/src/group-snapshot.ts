import type { GroupMetadata } from './group-metadata.js';
import type { GroupMetadataSnapshot } from './group-records.js';
import { MemberMetadata } from './member-metadata.js';

/**
 * The persisted form of a group, with `assignment` as each member's assignment (the leader's
 * SyncGroup being stored, or the current assignments). Only Empty groups and groups with a
 * selected protocol (CompletingRebalance, Stable) are ever stored.
 */
export function groupSnapshot(
  group: GroupMetadata,
  assignment: ReadonlyMap<string, Buffer>,
): GroupMetadataSnapshot {
  const protocol = group.protocolName;
  return {
    protocolType: group.protocolType,
    generationId: group.generationId,
    protocolName: protocol,
    leaderId: group.leaderId,
    currentStateTimestamp: group.currentStateTimestamp,
    members:
      protocol === null
        ? []
        : [...group.members.values()].map((member) => ({
            memberId: member.memberId,
            groupInstanceId: member.groupInstanceId,
            clientId: member.clientId,
            clientHost: member.clientHost,
            rebalanceTimeoutMs: member.rebalanceTimeoutMs,
            sessionTimeoutMs: member.sessionTimeoutMs,
            subscription: member.metadataFor(protocol),
            assignment: assignment.get(member.memberId) ?? Buffer.alloc(0),
          })),
  };
}

/**
 * Rebuilds a group from its snapshot: Stable with its members and their assignments, or Empty.
 * Each member knows only the group's protocol, with the metadata it had for it.
 */
export function restoreGroup(group: GroupMetadata, snapshot: GroupMetadataSnapshot): void {
  if (snapshot.members.length > 0 && snapshot.protocolName === null) {
    throw new Error(
      `group '${group.groupId}' was persisted with ${snapshot.members.length} member(s) but no protocol`,
    );
  }
  group.generationId = snapshot.generationId;
  group.protocolType = snapshot.protocolType;
  group.protocolName = snapshot.members.length > 0 ? snapshot.protocolName : null;
  for (const persisted of snapshot.members) {
    const member = new MemberMetadata({
      memberId: persisted.memberId,
      groupInstanceId: persisted.groupInstanceId,
      clientId: persisted.clientId,
      clientHost: persisted.clientHost,
      rebalanceTimeoutMs: persisted.rebalanceTimeoutMs,
      sessionTimeoutMs: persisted.sessionTimeoutMs,
      protocolType: snapshot.protocolType,
      protocols: [{ name: snapshot.protocolName as string, metadata: persisted.subscription }],
    });
    member.assignment = persisted.assignment;
    group.add(member);
  }
  if (snapshot.leaderId !== null && group.has(snapshot.leaderId)) group.leaderId = snapshot.leaderId;
  group.restoreState(group.size > 0 ? 'Stable' : 'Empty', snapshot.currentStateTimestamp);
}
