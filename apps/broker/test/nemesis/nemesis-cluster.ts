import { Metadata, type ResponseOf } from '@runnel/protocol';
import type { BrokerProcess } from '../../src/testing/broker-process.js';
import { TestCluster } from '../cluster-support/test-cluster.js';
import { RawClient } from '../support/raw-client.js';

/** How long a Metadata request to one broker may take before the next broker is asked (a paused broker never answers). */
const METADATA_TIMEOUT_MS = 1000;

type MetadataResponse = ResponseOf<typeof Metadata>;

/** One partition as Metadata answers it. */
export interface PartitionView {
  readonly partition: number;
  readonly leader: number;
  readonly isr: readonly number[];
}

/**
 * etcd and brokers 1..n, each a `runnel-broker` child process with the same flags, that the
 * nemesis can SIGKILL and restart (same id, same data directory), SIGSTOP and SIGCONT, and whose
 * etcd it can kill and start again. It knows which brokers it has stopped or paused, so it asks
 * only the others for Metadata.
 */
export class NemesisCluster {
  private readonly paused = new Set<number>();
  private readonly killed = new Set<number>();

  private constructor(
    readonly cluster: TestCluster,
    readonly brokerIds: readonly number[],
    private readonly brokerArgs: readonly string[],
  ) {}

  static async start(brokers: number, brokerArgs: readonly string[]): Promise<NemesisCluster> {
    const cluster = await TestCluster.start(0);
    const ids = Array.from({ length: brokers }, (_, i) => i + 1);
    const nemesis = new NemesisCluster(cluster, ids, brokerArgs);
    try {
      await Promise.all(ids.map((id) => cluster.startBrokerProcess(id, brokerArgs)));
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return nemesis;
  }

  process(id: number): BrokerProcess {
    const member = this.cluster.members.get(id);
    if (member?.kind !== 'process') throw new Error(`broker ${id} is not a child process`);
    return member.broker;
  }

  /** Brokers neither killed nor paused. */
  get running(): number[] {
    return this.brokerIds.filter((id) => !this.paused.has(id) && !this.killed.has(id));
  }

  get bootstrapServers(): string[] {
    return this.running.map((id) => this.process(id).bootstrapServers);
  }

  async kill(id: number): Promise<void> {
    this.killed.add(id);
    await this.process(id).stop('SIGKILL');
  }

  /**
   * Starts a killed broker again on its data and its ports (clients keep their bootstrap list, as
   * they would for a real host); a start that fails (its id still registered, etcd slow to
   * answer) is tried again, up to 3 times, and `failed` hears why.
   */
  async restart(id: number, failed: (why: string) => void): Promise<void> {
    const { port, httpPort } = this.process(id);
    const args = [...this.brokerArgs, '--port', String(port), '--http-port', String(httpPort)];
    let failure: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.cluster.startBrokerProcess(id, args);
        this.killed.delete(id);
        return;
      } catch (err) {
        failure = err;
        const lines = (err as Error).message.split('\n').filter((line) => line.trim() !== '');
        failed(lines.slice(-2).join(' / '));
      }
    }
    throw failure;
  }

  pause(id: number): void {
    this.paused.add(id);
    this.process(id).child.kill('SIGSTOP');
  }

  resume(id: number): void {
    this.process(id).child.kill('SIGCONT');
    this.paused.delete(id);
  }

  async killEtcd(): Promise<void> {
    await this.cluster.etcd.stop('SIGKILL');
  }

  /** Starts etcd again on its port and data (restartEtcd's SIGKILL finds it already gone). */
  async startEtcd(): Promise<void> {
    await this.cluster.restartEtcd();
  }

  /** Metadata of `topic` from the first running broker that answers in time, or undefined. */
  async metadata(topic: string): Promise<MetadataResponse | undefined> {
    for (const id of this.running) {
      const response = await metadataOf(this.process(id).port, topic).catch(() => undefined);
      if (response) return response;
    }
    return undefined;
  }

  /** Every partition of `topic` as broker `id` sees it, or the first running broker that answers. */
  async partitions(topic: string, id?: number): Promise<PartitionView[]> {
    const response =
      id === undefined
        ? await this.metadata(topic)
        : await metadataOf(this.process(id).port, topic).catch(() => undefined);
    const partitions = response?.topics.find((t) => t.name === topic)?.partitions ?? [];
    return partitions
      .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, isr: [...p.isrNodes].sort() }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** SIGCONTs every paused broker (a stopped process would not take SIGTERM), then stops everything. */
  async stop(): Promise<void> {
    for (const id of [...this.paused]) this.resume(id);
    await this.cluster.stop();
  }
}

async function metadataOf(port: number, topic: string): Promise<MetadataResponse> {
  const client = await RawClient.connect(port);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no Metadata from port ${port}`)), METADATA_TIMEOUT_MS);
    });
    return await Promise.race([
      client.request(Metadata, 9, {
        topics: [{ name: topic }],
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
    client.close();
  }
}
