import type { GroupState } from './group-state.js';

/** One group as DescribeGroups shows it; an unknown group is described as Dead with no members. */
export interface DescribedGroup {
  readonly errorCode: number;
  readonly groupId: string;
  /** Kafka's state name, or '' when the coordinator could not look (errorCode set). */
  readonly groupState: GroupState | '';
  readonly protocolType: string;
  /** The selected protocol while Stable, else ''. */
  readonly protocolData: string;
  readonly members: readonly DescribedMember[];
}

export interface DescribedMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  /** The member's metadata for the selected protocol; empty unless the group is Stable. */
  readonly memberMetadata: Buffer;
  /** The member's assignment; empty unless the group is Stable. */
  readonly memberAssignment: Buffer;
}

export interface ListGroupsResult {
  readonly errorCode: number;
  readonly groups: readonly {
    readonly groupId: string;
    readonly protocolType: string;
    readonly groupState: GroupState;
  }[];
}

export interface DeleteGroupResult {
  readonly groupId: string;
  readonly errorCode: number;
}

/** A group's figures for metrics and lag: lag of a partition is its log end offset minus `offset`. */
export interface GroupMetrics {
  readonly groupId: string;
  readonly state: GroupState;
  readonly protocolType: string;
  readonly protocolName: string | null;
  readonly generationId: number;
  readonly memberCount: number;
  readonly offsets: readonly {
    readonly topic: string;
    readonly partition: number;
    readonly offset: bigint;
    readonly leaderEpoch: number;
    readonly metadata: string;
    readonly commitTimestamp: number;
  }[];
}
