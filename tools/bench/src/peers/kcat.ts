import { join } from 'node:path';
import type { Figures, PeerContext } from './peer.js';
import { commandLine, findExecutable, runToExit } from './processes.js';
import { timed } from './throughput.js';

export const KCAT = 'kcat';

/** Why kcat cannot run, or undefined when it can. */
export function kcatMissing(): string | undefined {
  return findExecutable(KCAT) === undefined
    ? `${KCAT} is not on PATH (Debian: apt-get install kcat)`
    : undefined;
}

/** How long one kcat run of the throughput phase may take before it is killed and the row fails. */
const KCAT_TIMEOUT_MS = 120_000;

/** Runs kcat to its end; fails with its stderr unless it exits 0 within KCAT_TIMEOUT_MS. */
async function kcat(
  args: readonly string[],
  onStdout: (chunk: Buffer) => void = () => undefined,
): Promise<void> {
  const { code, signal, stderr } = await runToExit(KCAT, args, onStdout, KCAT_TIMEOUT_MS);
  if (code !== 0) throw new Error(`${commandLine(KCAT, args)} exited (${code ?? signal}):\n${stderr}`);
}

/**
 * A Kafka-protocol broker at `bootstrap` driven by kcat (librdkafka), its defaults except
 * `acks=1`: throughput produces the workload from a file (`kcat -P -l`, the records one a line)
 * and reads back every record the broker holds (`kcat -C -o beginning -c <held>`), each timed from
 * kcat's start to its exit, so connecting is counted in (a few ms in seconds). `held()` says how
 * many records the broker still holds once the produce is done: all of them, but for a broker
 * that drops old ones. No latency: `kcat -P` reads a pipe in
 * blocks, so a record written to its stdin waits for more input (or for EOF) before it is sent,
 * and that wait, not the broker's, would be what got measured.
 */
export async function measureWithKcat(
  bootstrap: string,
  context: PeerContext,
  held: () => Promise<number> = async () => context.workload.records,
): Promise<Figures> {
  const { workload } = context;
  const file = join(context.dataDir, 'records.txt');
  workload.writeLines(file);
  const common = ['-b', bootstrap, '-t', 'peers'];
  const produce = await timed(workload.records, () => kcat(['-P', ...common, '-X', 'acks=1', '-l', file]));

  const records = await held();
  let lines = 0;
  const consume = await timed(records, () =>
    kcat(['-C', ...common, '-o', 'beginning', '-c', String(records), '-q'], (chunk) => {
      for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) lines++;
    }),
  );
  if (lines !== records) throw new Error(`kcat read ${lines} records of ${records}`);

  return { produce, consume };
}
