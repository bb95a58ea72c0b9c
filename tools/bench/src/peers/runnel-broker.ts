import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { portIn, type Server, startServer } from './processes.js';

// This module is bundled into tools/bench/dist/peers.js, three levels below the repository root.
const BROKER_MAIN = fileURLToPath(new URL('../../../apps/broker/dist/main.js', import.meta.url));

/** What acks=1 and acks=-1 promise on this broker with its defaults (flush.messages, flush.ms: never). */
export const RUNNEL_DURABILITY = {
  acks1:
    'acked once in the segment file (page cache); no fsync per write (flush.messages, flush.ms: never, as in Kafka)',
  acksAll:
    'acked after an fsync of the segment, shared by the requests that arrive while one runs (group commit)',
} as const;

/** Why the built broker cannot run, or undefined when it can. */
export function brokerMissing(): string | undefined {
  return existsSync(BROKER_MAIN) ? undefined : `${BROKER_MAIN} is not built (npx nx build @runnel/broker)`;
}

/**
 * The built broker (apps/broker/dist/main.js) as a child on a free port with its data in
 * `dataDir`, its defaults otherwise: appends go to the page cache, acks=-1 answers after a
 * group-commit fsync. Resolves with its Kafka port once it prints its ready line.
 */
export function startRunnelBroker(dataDir: string): Promise<Server<number>> {
  return startServer(
    process.execPath,
    [BROKER_MAIN, '--host', '127.0.0.1', '--port', '0', '--http-port', '-1', '--data-dir', dataDir],
    portIn(/listening on [^:]+:(\d+)/),
  );
}
