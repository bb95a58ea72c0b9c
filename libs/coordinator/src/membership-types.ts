/**
 * Inputs and outputs of the group membership requests, as plain values. Error codes are Kafka's
 * (`ErrorCode` from @runnel/protocol); the broker copies these onto the wire structs of whatever
 * request version it serves.
 */

/** One entry of a JoinGroup's protocol list: an assignor name and the member's metadata for it. */
export interface JoinProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export interface JoinGroupRequest {
  readonly groupId: string;
  /** '' for a member joining for the first time (or after being told UNKNOWN_MEMBER_ID). */
  readonly memberId: string;
  /** `group.instance.id` of a static member (JoinGroup v5+); null or absent for a dynamic one. */
  readonly groupInstanceId?: string | null;
  /**
   * JoinGroup v4+: a dynamic member joining with an empty id is answered MEMBER_ID_REQUIRED with a
   * fresh id to rejoin with, instead of being added at once (default false, as for v0-3).
   */
  readonly requireKnownMemberId?: boolean;
  readonly clientId: string;
  readonly clientHost: string;
  readonly sessionTimeoutMs: number;
  /** How long a rebalance waits for this member to rejoin; -1 (JoinGroup v0) means `sessionTimeoutMs`. */
  readonly rebalanceTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly JoinProtocol[];
}

export interface JoinGroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** The member's metadata for the selected protocol. */
  readonly metadata: Buffer;
}

export interface JoinGroupResult {
  readonly errorCode: number;
  /** -1 on error. */
  readonly generationId: number;
  /** The selected protocol; '' on error. */
  readonly protocolName: string;
  /** The leader's member id; '' on error. */
  readonly leader: string;
  /** The member's id: the one it sent, or the one the coordinator gave it. */
  readonly memberId: string;
  /** Every member with its metadata, for the leader only (it computes the assignment); empty for others. */
  readonly members: readonly JoinGroupMember[];
}

export interface SyncGroupRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
  /** The leader's assignment for every member; followers send none. */
  readonly assignments: readonly { readonly memberId: string; readonly assignment: Buffer }[];
}

export interface SyncGroupResult {
  readonly errorCode: number;
  /** This member's assignment; empty on error. */
  readonly assignment: Buffer;
}

export interface HeartbeatRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
}

export interface HeartbeatResult {
  readonly errorCode: number;
}

/** One member leaving: by member id, or (static members, LeaveGroup v3+) by instance id with memberId ''. */
export interface LeavingMember {
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
}

export interface LeaveGroupRequest {
  readonly groupId: string;
  /** One member for LeaveGroup v0-2; a batch from v3. */
  readonly members: readonly LeavingMember[];
}

export interface LeaveGroupResult {
  /** Group-level error; NONE when each member has its own result. */
  readonly errorCode: number;
  /** For v0-2 the broker answers the one member's errorCode at the top level, as Kafka does. */
  readonly members: readonly {
    readonly memberId: string;
    readonly groupInstanceId: string | null;
    readonly errorCode: number;
  }[];
}
