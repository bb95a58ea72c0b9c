/**
 * The layout of a cluster's metadata in etcd, modelled on Kafka's ZooKeeper layout. Every key of
 * cluster `<id>` sits under `/runnel/<id>/`; values are JSON.
 *
 * ```
 * /runnel/<id>/brokers/ids/<nodeId>              {"host","port","listeners"} under the broker's lease;
 *                                                                           its create revision is the broker epoch
 * /runnel/<id>/controller                        {"brokerId","brokerEpoch"} under the controller's lease
 * /runnel/<id>/controller_epoch                  "<n>"                      +1 at every election
 * /runnel/<id>/brokers/topics/<topic>            {"partitions":{"0":[1,2,3],...},"configs":{...}}
 * /runnel/<id>/brokers/topics/<topic>/partitions/<p>/state
 *                                                {"leader","leaderEpoch","isr","controllerEpoch"}
 * ```
 *
 * Who writes what: a broker writes its own registration, and a topic's assignment with the
 * initial state of its partitions (CreateTopics, in one transaction that requires the topic key
 * absent and the broker's registration to be the one it created); the controller writes
 * `controller` and `controller_epoch` (election) and every later partition state. Topic names
 * never contain '/', so a key names its kind unambiguously.
 */
export class ClusterKeys {
  readonly root: string;

  constructor(readonly clusterId: string) {
    this.root = `/runnel/${clusterId}/`;
  }

  broker(nodeId: number): string {
    return `${this.root}brokers/ids/${nodeId}`;
  }

  get brokersPrefix(): string {
    return `${this.root}brokers/ids/`;
  }

  get controller(): string {
    return `${this.root}controller`;
  }

  get controllerEpoch(): string {
    return `${this.root}controller_epoch`;
  }

  topic(name: string): string {
    return `${this.root}brokers/topics/${name}`;
  }

  /** Every key under a topic's own (its partition states): the topic's name ends at the '/'. */
  topicChildren(topic: string): string {
    return `${this.root}brokers/topics/${topic}/`;
  }

  partitionState(topic: string, partition: number): string {
    return `${this.root}brokers/topics/${topic}/partitions/${partition}/state`;
  }

  /** What a key under `root` is, or undefined for a key this layout does not define. */
  parse(key: string): ClusterKey | undefined {
    if (!key.startsWith(this.root)) return undefined;
    const rest = key.slice(this.root.length);
    if (rest === 'controller') return { kind: 'controller' };
    if (rest === 'controller_epoch') return { kind: 'controllerEpoch' };
    const broker = /^brokers\/ids\/(\d+)$/.exec(rest);
    if (broker) return { kind: 'broker', nodeId: Number(broker[1]) };
    const state = /^brokers\/topics\/([^/]+)\/partitions\/(\d+)\/state$/.exec(rest);
    if (state) return { kind: 'partitionState', topic: state[1]!, partition: Number(state[2]) };
    const topic = /^brokers\/topics\/([^/]+)$/.exec(rest);
    if (topic) return { kind: 'topic', topic: topic[1]! };
    return undefined;
  }
}

export type ClusterKey =
  | { kind: 'broker'; nodeId: number }
  | { kind: 'controller' }
  | { kind: 'controllerEpoch' }
  | { kind: 'topic'; topic: string }
  | { kind: 'partitionState'; topic: string; partition: number };

/** One listener of a registration: its name, advertised address and security protocol. */
export interface RegisteredListener {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly securityProtocol: string;
}

/**
 * A live broker's registration: `host`/`port` is its inter-broker listener's address (all a
 * registration of an older broker has), `listeners` every listener it advertises, so each
 * client is told of every broker at the listener it uses itself.
 */
export interface BrokerRegistration {
  readonly host: string;
  readonly port: number;
  readonly listeners?: readonly RegisteredListener[];
}

/**
 * Where `registration` is reached on the listener `name`: that listener's address, or undefined
 * when it registered listeners without that one (Kafka leaves such a broker out of Metadata). A
 * registration without listeners is reached at its host and port on every listener.
 */
export function listenerAddress(
  registration: BrokerRegistration,
  name: string,
): { host: string; port: number; securityProtocol: string } | undefined {
  if (!registration.listeners)
    return { host: registration.host, port: registration.port, securityProtocol: 'PLAINTEXT' };
  const listener = registration.listeners.find((l) => l.name === name);
  return (
    listener && { host: listener.host, port: listener.port, securityProtocol: listener.securityProtocol }
  );
}

/** Who the controller is: a broker, at the epoch of its registration. */
export interface ControllerRegistration {
  readonly brokerId: number;
  readonly brokerEpoch: number;
}

/** A topic's replica assignment (`partitions[p]`: the brokers holding partition p, preferred leader first) and its configs. */
export interface TopicAssignment {
  readonly partitions: readonly (readonly number[])[];
  readonly configs: Readonly<Record<string, string>>;
}

/** No leader: every in-sync replica is down (Kafka's LeaderAndIsr.NoLeader). */
export const NO_LEADER = -1;

/**
 * A partition's leadership, as Kafka's LeaderAndIsr: its leader (NO_LEADER when none is live),
 * the leader epoch (+1 at every change of leader or ISR made by the controller), the in-sync
 * replicas and the epoch of the controller that wrote it.
 */
export interface PartitionState {
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly controllerEpoch: number;
}

/** The stored form of a topic assignment: partitions as an object keyed by index, as Kafka's `/brokers/topics/<t>`. */
export function encodeAssignment(assignment: TopicAssignment): string {
  const partitions = Object.fromEntries(assignment.partitions.map((replicas, p) => [String(p), replicas]));
  return JSON.stringify({ partitions, configs: assignment.configs });
}

export function decodeAssignment(text: string): TopicAssignment {
  const stored = JSON.parse(text) as {
    partitions: Record<string, number[]>;
    configs?: Record<string, string>;
  };
  const count = Object.keys(stored.partitions).length;
  const partitions = Array.from({ length: count }, (_, p) => {
    const replicas = stored.partitions[String(p)];
    if (!replicas) throw new Error(`topic assignment ${text} has no partition ${p}`);
    return replicas;
  });
  return { partitions, configs: stored.configs ?? {} };
}
