import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, type StartBrokerOptions, startBroker } from '../../src/broker.js';
import { BrokerProcess } from '../../src/testing/broker-process.js';
import { EtcdProcess } from '../../src/testing/etcd-process.js';

/** A short session, so that a killed broker leaves within seconds (etcd's smallest lease is about 2 s). */
export const TEST_SESSION_TIMEOUT_MS = 2000;

/** A member of a TestCluster: in this process (startBroker) or a child process (BrokerProcess, which can be SIGKILLed). */
export type ClusterMember =
  | { readonly nodeId: number; readonly kind: 'in-process'; readonly broker: RunningBroker }
  | { readonly nodeId: number; readonly kind: 'process'; readonly broker: BrokerProcess };

/**
 * etcd and brokers in cluster mode on free ports, everything in one temporary directory:
 * `await TestCluster.start(3)` is etcd plus brokers 1, 2 and 3 started together in this process,
 * each registered (startBroker resolves once it is) and one of them the controller. `stop()`
 * stops the brokers, then etcd, and removes the directory.
 */
export class TestCluster {
  readonly members = new Map<number, ClusterMember>();

  private constructor(
    readonly dir: string,
    private etcdProcess: EtcdProcess,
    private readonly brokerOptions: StartBrokerOptions,
  ) {}

  get etcd(): EtcdProcess {
    return this.etcdProcess;
  }

  /** SIGKILLs etcd and starts it again on the same client port and data: a crash and restart of the store. */
  async restartEtcd(): Promise<void> {
    await this.etcdProcess.stop('SIGKILL');
    this.etcdProcess = await EtcdProcess.start(join(this.dir, 'etcd'), {
      clientPort: this.etcdProcess.clientPort,
    });
  }

  static async start(brokers: number, brokerOptions: StartBrokerOptions = {}): Promise<TestCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'runnel-cluster-'));
    const etcd = await EtcdProcess.start(join(dir, 'etcd'));
    const cluster = new TestCluster(dir, etcd, brokerOptions);
    try {
      await Promise.all(Array.from({ length: brokers }, (_, i) => cluster.startBroker(i + 1)));
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** Starts broker `nodeId` in this process (its data in `<dir>/broker-<nodeId>`). */
  async startBroker(nodeId: number, options: StartBrokerOptions = {}): Promise<RunningBroker> {
    const broker = await startBroker({
      port: 0,
      httpPort: -1,
      dataDir: this.dataDir(nodeId),
      nodeId,
      cluster: this.etcd.endpoint,
      brokerSessionTimeoutMs: TEST_SESSION_TIMEOUT_MS,
      groupInitialRebalanceDelayMs: 0,
      logger: false,
      ...this.brokerOptions,
      ...options,
    });
    this.members.set(nodeId, { nodeId, kind: 'in-process', broker });
    return broker;
  }

  /** Starts broker `nodeId` as a child process running the built `runnel-broker`, with `extraArgs` after the cluster's flags. */
  async startBrokerProcess(nodeId: number, extraArgs: readonly string[] = []): Promise<BrokerProcess> {
    const broker = await BrokerProcess.start(this.dataDir(nodeId), [
      '--node-id',
      String(nodeId),
      '--cluster',
      this.etcd.endpoint,
      '--broker-session-timeout-ms',
      String(TEST_SESSION_TIMEOUT_MS),
      ...extraArgs,
    ]);
    this.members.set(nodeId, { nodeId, kind: 'process', broker });
    return broker;
  }

  dataDir(nodeId: number): string {
    return join(this.dir, `broker-${nodeId}`);
  }

  /** Every member's `host:port`. */
  get bootstrapServers(): string[] {
    return [...this.members.values()].map((m) => m.broker.bootstrapServers);
  }

  /** The member `nodeId` as the child process startBrokerProcess made (to SIGKILL or SIGSTOP it). */
  process(nodeId: number): BrokerProcess {
    const member = this.members.get(nodeId);
    if (member?.kind !== 'process') throw new Error(`broker ${nodeId} is not a running child process`);
    return member.broker;
  }

  /** Stops one member (SIGTERM or close(): it deregisters) and forgets it. */
  async stopBroker(nodeId: number): Promise<void> {
    const member = this.members.get(nodeId);
    this.members.delete(nodeId);
    if (member?.kind === 'in-process') await member.broker.close();
    else if (member?.kind === 'process') await member.broker.stop();
  }

  /** Stops every member, a SIGSTOPped one resumed first (a paused process cannot stop), then etcd. */
  async stop(): Promise<void> {
    for (const member of this.members.values()) {
      if (member.kind === 'process') member.broker.child.kill('SIGCONT');
    }
    await Promise.all([...this.members.keys()].map((id) => this.stopBroker(id)));
    await this.etcd.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Runs `check` until it stops throwing, for states that other processes reach through etcd's
 * watches (a broker's cache learning of a registration): resolves with its result, or rejects
 * with its last error after `timeoutMs`.
 */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
