import type { JoinGroupResult, JoinProtocol, SyncGroupResult } from './membership-types.js';
import type { ScheduledTask } from './scheduler.js';

/**
 * One member of a group, as the coordinator knows it (Kafka's MemberMetadata).
 *
 * `joinWaiter` is set while the member's JoinGroup waits for the rebalance to complete and
 * `syncWaiter` while its SyncGroup waits for the leader's assignment; each is called at most once
 * and cleared when called. `sessionTimer` is the member's pending heartbeat expiry, re-armed by
 * every heartbeat: when it fires, no heartbeat came within the session timeout.
 */
export class MemberMetadata {
  /** Changes only when a static member rejoins with an unknown id and takes over its instance. */
  memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  readonly protocolType: string;
  protocols: readonly JoinProtocol[];
  assignment: Buffer = Buffer.alloc(0);
  joinWaiter: ((result: JoinGroupResult) => void) | null = null;
  syncWaiter: ((result: SyncGroupResult) => void) | null = null;
  /** True from the member's first JoinGroup until the end of the rebalance it joined. */
  isNew = false;
  sessionTimer: ScheduledTask | null = null;

  constructor(init: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    rebalanceTimeoutMs: number;
    sessionTimeoutMs: number;
    protocolType: string;
    protocols: readonly JoinProtocol[];
  }) {
    this.memberId = init.memberId;
    this.groupInstanceId = init.groupInstanceId;
    this.clientId = init.clientId;
    this.clientHost = init.clientHost;
    this.rebalanceTimeoutMs = init.rebalanceTimeoutMs;
    this.sessionTimeoutMs = init.sessionTimeoutMs;
    this.protocolType = init.protocolType;
    this.protocols = init.protocols;
  }

  /** Takes the protocols and timeouts of the member's latest JoinGroup. */
  update(joined: {
    readonly protocols: readonly JoinProtocol[];
    readonly rebalanceTimeoutMs: number;
    readonly sessionTimeoutMs: number;
  }): void {
    this.protocols = joined.protocols;
    this.rebalanceTimeoutMs = joined.rebalanceTimeoutMs;
    this.sessionTimeoutMs = joined.sessionTimeoutMs;
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  get isAwaitingJoin(): boolean {
    return this.joinWaiter !== null;
  }

  get isAwaitingSync(): boolean {
    return this.syncWaiter !== null;
  }

  /**
   * Whether the member stays when its session timer fires (no heartbeat since it was armed). A
   * member waiting in JoinGroup or SyncGroup cannot heartbeat (its client is blocked on the
   * response), so it stays; except a new member, whose JoinGroup a client may have abandoned.
   */
  get keptAliveWhileWaiting(): boolean {
    return !this.isNew && (this.isAwaitingJoin || this.isAwaitingSync);
  }

  /** The member's metadata for `protocol`; the protocol is one the member listed. */
  metadataFor(protocol: string): Buffer {
    const found = this.protocols.find((p) => p.name === protocol);
    if (found === undefined) {
      throw new Error(`member ${this.memberId} does not support protocol '${protocol}'`);
    }
    return found.metadata;
  }

  /** The member's first choice among `candidates` (protocols every member supports). */
  vote(candidates: ReadonlySet<string>): string {
    const choice = this.protocols.find((p) => candidates.has(p.name));
    if (choice === undefined) {
      throw new Error(`member ${this.memberId} supports none of ${[...candidates].join(', ')}`);
    }
    return choice.name;
  }

  /** Same protocols, in the same order, with the same metadata bytes. */
  matches(protocols: readonly JoinProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every((p, i) => {
        const own = this.protocols[i] as JoinProtocol;
        return own.name === p.name && own.metadata.equals(p.metadata);
      })
    );
  }
}
