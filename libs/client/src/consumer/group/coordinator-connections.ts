import { KafkaError } from '@runnel/protocol';
import {
  type BrokerAddress,
  BrokerConnection,
  type ConnectionOptions,
} from '../../connection/broker-connection.js';
import type { Cluster } from '../../metadata/cluster.js';
import { findGroupCoordinator } from './find-coordinator.js';
import { findCoordinatorAction } from './group-error-actions.js';
import { GroupMembershipError } from './group-errors.js';

/**
 * The member's own two connections to its group coordinator, found by FindCoordinator.
 *
 * Own connections, not the cluster's shared ones, because a broker answers a connection's requests
 * in order and a JoinGroup waits for the whole rebalance: on a shared connection it would hold up
 * every request behind it, and two members of one client in one group would wait on each other.
 * Java's consumer likewise talks to its coordinator on a connection of its own. Membership
 * (JoinGroup, SyncGroup, Heartbeat) and offsets (OffsetCommit, OffsetFetch, LeaveGroup) get one
 * each, so a commit made while a cooperative rebalance is pending is answered at once rather
 * than after the rebalance (and cannot time out behind it).
 *
 * `markUnknown` forgets the coordinator (NOT_COORDINATOR, a lost connection): the next use finds
 * it again. A connection that closes is forgotten by itself.
 */
export class CoordinatorConnections {
  #address: Promise<BrokerAddress> | undefined;
  readonly #open = new Map<'membership' | 'offsets', Promise<BrokerConnection>>();

  constructor(
    private readonly groupId: string,
    private readonly cluster: Cluster,
    private readonly options: ConnectionOptions,
  ) {}

  /** For JoinGroup, SyncGroup and Heartbeat. */
  membership(): Promise<BrokerConnection> {
    return this.#connection('membership');
  }

  /** For OffsetCommit, OffsetFetch and LeaveGroup. */
  offsets(): Promise<BrokerConnection> {
    return this.#connection('offsets');
  }

  /** Closes the membership connection alone: a JoinGroup or SyncGroup waiting on it fails at once. */
  async abortMembership(): Promise<void> {
    const open = this.#open.get('membership');
    this.#open.delete('membership');
    await closeQuietly(open);
  }

  /** Forgets the coordinator and closes both connections. */
  async markUnknown(): Promise<void> {
    this.#address = undefined;
    const open = [...this.#open.values()];
    this.#open.clear();
    await Promise.all(open.map(closeQuietly));
  }

  #connection(role: 'membership' | 'offsets'): Promise<BrokerConnection> {
    const existing = this.#open.get(role);
    if (existing !== undefined) return existing;
    const opening = this.#find().then((address) => BrokerConnection.connect(address, this.options));
    this.#open.set(role, opening);
    opening.then(
      (connection) =>
        connection.onClose(() => {
          if (this.#open.get(role) === opening) this.#open.delete(role);
        }),
      () => {
        if (this.#open.get(role) === opening) this.#open.delete(role);
      },
    );
    return opening;
  }

  #find(): Promise<BrokerAddress> {
    if (this.#address === undefined) {
      const finding = this.#findCoordinator();
      this.#address = finding;
      finding.catch(() => {
        if (this.#address === finding) this.#address = undefined;
      });
    }
    return this.#address;
  }

  async #findCoordinator(): Promise<BrokerAddress> {
    const connection = await this.cluster.anyConnection();
    const response = await findGroupCoordinator(connection, this.groupId);
    const action = findCoordinatorAction(response.errorCode);
    if (action !== 'none') {
      const error = KafkaError.fromCode(response.errorCode, {
        context: `group '${this.groupId}' FindCoordinator`,
        message: response.errorMessage,
      });
      // Retrying cannot help an authorization failure or a refused request: the member stops.
      if (action === 'fatal') {
        throw new GroupMembershipError(this.groupId, `cannot find its coordinator: ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    }
    return { host: response.host, port: response.port };
  }
}

async function closeQuietly(connection: Promise<BrokerConnection> | undefined): Promise<void> {
  if (connection === undefined) return;
  try {
    await (await connection).close();
  } catch {
    // A connection that never opened has nothing to close.
  }
}
