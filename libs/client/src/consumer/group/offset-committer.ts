import type { Clock, Scheduler } from '@runnel/coordinator';
import { KafkaError, OffsetCommit } from '@runnel/protocol';
import { isRetriable } from '../../errors/is-retriable.js';
import type { TopicPartition } from '../../metadata/topic-partition.js';
import type { CoordinatorConnections } from './coordinator-connections.js';
import { CommitFailedError, RebalanceInProgressError } from './group-errors.js';
import { fetchGroupOffsets } from './offset-fetch.js';
import {
  describePartitions,
  type MemberIdentity,
  type OffsetToCommit,
  offsetCommitErrors,
  offsetCommitRequest,
  offsetFetchOutcome,
  offsetFetchTopics,
  type PartitionError,
} from './offset-requests.js';

/**
 * How long a commit or an offset fetch keeps retrying retriable failures (a moved coordinator,
 * COORDINATOR_LOAD_IN_PROGRESS, a lost connection) before it fails: Java's default.api.timeout.ms.
 */
export const OFFSET_REQUEST_TIMEOUT_MS = 60_000;

/** What a commit's answer does to membership; the coordinator acts on it. */
export interface MembershipEffects {
  /** The member of this identity is still the current one (no rebalance completed meanwhile). */
  isCurrent(member: MemberIdentity): boolean;
  /** UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION: the generation is gone; partitions lost, join as new. */
  resetMember(reason: string): void;
  /** REBALANCE_IN_PROGRESS: join the coming generation. */
  requestRejoin(reason: string): void;
  /** FENCED_INSTANCE_ID, GROUP_AUTHORIZATION_FAILED: the member cannot stay. */
  fail(error: KafkaError): Error;
}

/**
 * OffsetCommit and OffsetFetch for the member, on the offsets connection to its coordinator, with
 * Kafka's meaning for every answer: retriable failures are retried with `retryBackoffMs` for up
 * to {@link OFFSET_REQUEST_TIMEOUT_MS}; a commit refused because the generation ended is a
 * CommitFailedError; one refused mid-rebalance a (retriable) RebalanceInProgressError.
 */
export class OffsetCommitter {
  constructor(
    private readonly groupId: string,
    private readonly connections: CoordinatorConnections,
    private readonly retryBackoffMs: number,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
  ) {}

  /** Commits `offsets` for `member()` (read again at each attempt); resolves once all are stored. */
  async commit(
    offsets: readonly OffsetToCommit[],
    member: () => MemberIdentity,
    effects: MembershipEffects,
  ): Promise<void> {
    const deadline = this.clock.now() + OFFSET_REQUEST_TIMEOUT_MS;
    let pending = offsets;
    while (pending.length > 0) {
      const identity = member();
      if (identity.generationId < 0 || identity.memberId === '') {
        throw new CommitFailedError(
          this.groupId,
          'the member is in no generation (it has not joined yet, left the group or lost its partitions)',
        );
      }
      let errors: PartitionError[];
      try {
        const connection = await this.connections.offsets();
        errors = offsetCommitErrors(
          await connection.request(OffsetCommit, offsetCommitRequest(identity, pending)),
        );
      } catch (error) {
        await this.#backOffOrThrow(error, deadline);
        continue;
      }
      if (errors.length === 0) return;
      const error = (e: PartitionError) =>
        KafkaError.fromCode(e.errorCode, {
          context: `group '${this.groupId}' OffsetCommit for ${describePartitions([e])}`,
        });
      const fatal = errors.find(({ action }) => action === 'fatal');
      if (fatal) throw effects.fail(error(fatal));
      const ended = errors.find(({ action }) => action === 'reset-member');
      if (ended) {
        if (effects.isCurrent(identity))
          effects.resetMember(`OffsetCommit answered ${error(ended).errorName}`);
        throw new CommitFailedError(this.groupId, error(ended).errorName, { cause: error(ended) });
      }
      const rebalancing = errors.find(({ action }) => action === 'rejoin');
      if (rebalancing) {
        if (effects.isCurrent(identity)) effects.requestRejoin('OffsetCommit answered REBALANCE_IN_PROGRESS');
        throw new RebalanceInProgressError(this.groupId, { cause: error(rebalancing) });
      }
      const refused = errors.find(({ action }) => action === 'fail');
      if (refused) throw error(refused);
      if (errors.some(({ action }) => action === 'find-coordinator')) await this.connections.markUnknown();
      await this.#backOffOrThrow(error(errors[0] as PartitionError), deadline);
      const retry = new Set(errors.map(({ topic, partition }) => `${topic}:${partition}`));
      pending = pending.filter(({ topic, partition }) => retry.has(`${topic}:${partition}`));
    }
  }

  /** The group's committed offset of each partition (`${topic}:${partition}`), -1n where none. */
  async fetch(
    partitions: readonly TopicPartition[],
    effects: MembershipEffects,
  ): Promise<Map<string, bigint>> {
    const deadline = this.clock.now() + OFFSET_REQUEST_TIMEOUT_MS;
    for (;;) {
      let outcome: ReturnType<typeof offsetFetchOutcome>;
      try {
        const connection = await this.connections.offsets();
        const answer = await fetchGroupOffsets(connection, this.groupId, offsetFetchTopics(partitions));
        outcome = offsetFetchOutcome(partitions, answer);
      } catch (error) {
        await this.#backOffOrThrow(error, deadline);
        continue;
      }
      if (outcome.ok) return outcome.offsets;
      const first = outcome.errors[0] as PartitionError;
      const error = KafkaError.fromCode(first.errorCode, {
        context: `group '${this.groupId}' OffsetFetch for ${describePartitions(outcome.errors)}`,
      });
      if (first.action === 'fatal') throw effects.fail(error);
      if (first.action === 'fail') throw error;
      if (first.action === 'find-coordinator') await this.connections.markUnknown();
      await this.#backOffOrThrow(error, deadline);
    }
  }

  /** Waits `retryBackoffMs` when `error` is retriable and time remains; otherwise throws it. */
  async #backOffOrThrow(error: unknown, deadline: number): Promise<void> {
    if (!isRetriable(error) || this.clock.now() + this.retryBackoffMs > deadline) throw error;
    await new Promise<void>((resolve) => this.scheduler.schedule(this.retryBackoffMs, resolve));
  }
}
