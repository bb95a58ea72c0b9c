#!/usr/bin/env node
// `npm run cluster`: etcd and three brokers in cluster mode in one terminal, each line prefixed
// with its process's name. Ctrl-C (SIGINT) or SIGTERM stops the brokers (each deregisters),
// then etcd, and exits 0 when all stopped cleanly; a process that exits on its own stops the rest.
//
// etcd listens on 127.0.0.1:2379 (peers 2380) with its data in ./data/cluster/etcd; broker N
// (1 to 3) on 909(1+N) with HTTP on 964(3+N) and its data in ./data/cluster/broker-N. Not
// ./data/broker-N: ./data is `npm start`'s broker's data directory, which would take `broker-1`
// for a partition directory of a topic `broker` it does not know and set it aside as a stray.
// Only etcd's warnings and errors are shown (its info lines are many).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ETCD_INSTALL_HINT, etcdArguments, findEtcd } from '@runnel/broker/testing';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BROKER_MAIN = join(ROOT, 'apps/broker/dist/main.js');
const ETCD_CLIENT_PORT = 2379;
const ETCD_PEER_PORT = 2380;
const BROKERS = [1, 2, 3];
/** How long a process may take to say it is ready, and to exit after SIGTERM before it is killed. */
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

/**
 * A child process whose output lines go to ours prefixed `[name]` (those `show` accepts);
 * `ready` resolves at the first line matching `readyLine` (on stdout or stderr) and rejects when
 * the child exits first or takes longer than READY_TIMEOUT_MS.
 */
class Child {
  constructor(name, command, args, { readyLine, show = () => true }) {
    this.name = name;
    this.stopping = false;
    // A process group of its own: a Ctrl-C reaches npm and this supervisor only, which then stops
    // the brokers before etcd instead of everything at once.
    this.process = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const orphanGuard = () => this.process.kill('SIGKILL');
    process.on('exit', orphanGuard);
    this.exited = once(this.process, 'exit').then(([code, signal]) => {
      process.off('exit', orphanGuard);
      return { code, signal };
    });
    const prefix = `[${name}]`.padEnd(11);
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} was not ready within ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      );
      timer.unref();
      this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code ?? signal}) before it was ready`));
      });
      const onLine = (out) => (line) => {
        if (show(line)) out.write(`${prefix}${line}\n`);
        if (readyLine.test(line)) {
          clearTimeout(timer);
          resolve();
        }
      };
      createInterface({ input: this.process.stdout }).on('line', onLine(process.stdout));
      createInterface({ input: this.process.stderr }).on('line', onLine(process.stderr));
    });
    this.ready.catch(() => undefined);
  }

  /** SIGTERM, then SIGKILL after STOP_TIMEOUT_MS; resolves with how it exited. */
  async stop() {
    this.stopping = true;
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}

const etcdBinary = findEtcd();
if (!etcdBinary) {
  process.stderr.write(
    `npm run cluster: etcd is not installed; install it with: sudo ${ETCD_INSTALL_HINT}\n`,
  );
  process.exit(1);
}

/** etcd's zap lines are JSON with a level; everything but info is shown. */
const etcdShows = (line) => !line.includes('"level":"info"');

let etcd;
const brokers = [];
let stopping;
function stop(reason, failed = false) {
  stopping ??= (async () => {
    process.stdout.write(`\n${reason}: stopping the brokers, then etcd\n`);
    const clean = ({ code, signal }) => code === 0 || signal === 'SIGTERM';
    const results = await Promise.all(brokers.map((b) => b.stop()));
    if (etcd) results.push(await etcd.stop());
    process.exit(results.every(clean) && !failed ? 0 : 1);
  })();
}
// `on`, not `once`: npm passes the terminal's Ctrl-C on as well, and a second signal must not kill the supervisor mid-stop.
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

async function start() {
  const dataDir = join(ROOT, 'data', 'cluster');
  mkdirSync(join(dataDir, 'etcd'), { recursive: true });
  etcd = new Child(
    'etcd',
    etcdBinary,
    etcdArguments({ dataDir: join(dataDir, 'etcd'), clientPort: ETCD_CLIENT_PORT, peerPort: ETCD_PEER_PORT }),
    { readyLine: /serving client traffic|ready to serve client requests/, show: etcdShows },
  );
  await etcd.ready;
  const cluster = `etcd://127.0.0.1:${ETCD_CLIENT_PORT}`;
  for (const nodeId of BROKERS) {
    if (stopping) return;
    const args = [
      BROKER_MAIN,
      ...['--node-id', String(nodeId), '--cluster', cluster, '--port', String(9091 + nodeId)],
      ...['--http-port', String(9643 + nodeId), '--data-dir', join(dataDir, `broker-${nodeId}`)],
    ];
    brokers.push(new Child(`broker-${nodeId}`, process.execPath, args, { readyLine: /listening on / }));
  }
  await Promise.all(brokers.map((b) => b.ready));
}

start().then(
  () => {
    if (stopping) return;
    for (const child of [etcd, ...brokers]) {
      child.exited.then(({ code, signal }) => {
        if (!child.stopping) stop(`${child.name} exited (${code ?? signal})`, true);
      });
    }
    process.stdout.write(
      [
        '',
        'Runnel cluster is up:',
        `  etcd       127.0.0.1:${ETCD_CLIENT_PORT}   (data in ./data/cluster/etcd)`,
        ...BROKERS.map(
          (id) =>
            `  broker-${id}   127.0.0.1:${9091 + id}   (http 127.0.0.1:${9643 + id}, data in ./data/cluster/broker-${id})`,
        ),
        '',
        'Try: kcat -b 127.0.0.1:9092 -L',
        'Ctrl-C stops all four.',
        '',
      ].join('\n'),
    );
  },
  (error) => {
    process.stderr.write(`npm run cluster: ${error.message}\n`);
    stop('start failed', true);
  },
);
