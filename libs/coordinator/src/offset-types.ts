/**
 * Inputs and outputs of OffsetCommit and OffsetFetch as plain values, shaped like the requests
 * (topics, then partitions) so the broker maps them field by field. Offsets are int64 (bigint).
 */

export interface OffsetCommitRequest {
  readonly groupId: string;
  /** -1 with memberId '' for a "simple" commit from outside group management (admin tools, assign()). */
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
  /** OffsetCommit v2-4: how long these offsets live regardless of the group (-1 or absent: the broker's retention). */
  readonly retentionTimeMs?: number;
  readonly topics: readonly {
    readonly name: string;
    readonly partitions: readonly {
      readonly partitionIndex: number;
      readonly committedOffset: bigint;
      /** -1 or absent when unknown (OffsetCommit v0-5). */
      readonly committedLeaderEpoch?: number;
      /** null is stored as ''. */
      readonly committedMetadata: string | null;
    }[];
  }[];
}

export interface OffsetCommitResult {
  readonly topics: readonly {
    readonly name: string;
    readonly partitions: readonly { readonly partitionIndex: number; readonly errorCode: number }[];
  }[];
}

export interface OffsetFetchRequest {
  readonly groupId: string;
  /** null (OffsetFetch v2+): every committed offset of the group. */
  readonly topics: readonly { readonly name: string; readonly partitionIndexes: readonly number[] }[] | null;
}

export interface FetchedOffset {
  readonly partitionIndex: number;
  /** -1 when the group has no commit for the partition. */
  readonly committedOffset: bigint;
  /** -1 when unknown. */
  readonly committedLeaderEpoch: number;
  readonly metadata: string;
  readonly errorCode: number;
}

export interface OffsetFetchResult {
  /** Group-level error (OffsetFetch v2+ carry it; older versions put it on every partition). */
  readonly errorCode: number;
  readonly topics: readonly { readonly name: string; readonly partitions: readonly FetchedOffset[] }[];
}
