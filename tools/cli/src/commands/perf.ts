import { noMorePositionals, requirePositional } from '../args.js';
import { write } from '../cli-io.js';
import type { Command, CommandContext } from '../command.js';
import { toJsonLine } from '../format/json.js';
import { perfConsume } from '../perf/perf-consume.js';
import { perfEndToEnd } from '../perf/perf-e2e.js';
import { PERF_OPTIONS, parsePerfOptions } from '../perf/perf-options.js';
import { perfProduce } from '../perf/perf-produce.js';
import { formatSummary } from '../perf/perf-summary.js';
import { UsageError } from '../usage-error.js';

const USAGE = `Usage:
  runnel perf produce --topic T [options]    as kafka-producer-perf-test.sh
  runnel perf consume --topic T [options]    as kafka-consumer-perf-test.sh (from the earliest offsets)
  runnel perf e2e --topic T [options]        end-to-end latency, one record at a time (Kafka's EndToEndLatency)

  --num-records N          records (default 100000; e2e 10000)
  --record-size N          bytes of each value (default 100)
  --throughput N           records/s at most (default -1: no cap)
  --acks 0|1|-1|all        (default -1)
  --batch-size N           batch.size in bytes (default 16384)
  --linger-ms N            linger.ms (default 5)
  --compression <codec>    none, gzip, snappy, lz4, zstd (default none)
  --partitioner <p>        sticky (default) or round-robin, for unkeyed records
  --keys N                 key records key-0 .. key-(N-1) in turn (default: no keys)
  --reporting-interval ms  between progress lines when stderr is not a terminal (default 5000)
  --json                   the summary as one JSON object

Progress goes to stderr (a bar on a terminal); the summary (records/s, MB/s, latency avg, p50, p95,
p99, max from an HDR histogram) to stdout.
`;

export const perfCommand: Command = {
  name: 'perf',
  summary: 'producer, consumer and end-to-end throughput and latency (kafka-*-perf-test.sh)',
  usage: USAGE,
  async run(args: readonly string[], context: CommandContext): Promise<number> {
    const { values, positionals, globals } = context.parse(args, PERF_OPTIONS);
    const mode = requirePositional(positionals, 0, 'mode: produce, consume or e2e');
    noMorePositionals(positionals, 1);
    const run = { produce: perfProduce, consume: perfConsume, e2e: perfEndToEnd }[mode];
    if (run === undefined) throw new UsageError(`unknown mode '${mode}'`);
    const options = parsePerfOptions(values, mode === 'e2e' ? 10_000 : 100_000);
    const summary = await run(context.runnel(globals), options, context.io);
    await write(context.io.stdout, globals.json ? toJsonLine(summary) : formatSummary(summary));
    return 0;
  },
};
