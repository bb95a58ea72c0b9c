import { noMorePositionals } from '../args.js';
import { write } from '../cli-io.js';
import type { Command, CommandContext } from '../command.js';
import { toJsonLine } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { withAdmin } from './with-client.js';

const USAGE = `Usage:
  runnel cluster [--json]     the cluster id, the controller and every broker
`;

export const clusterCommand: Command = {
  name: 'cluster',
  summary: 'brokers, controller and cluster id (kafka-cluster.sh cluster-id, kcat -L)',
  usage: USAGE,
  async run(args: readonly string[], context: CommandContext): Promise<number> {
    const { positionals, globals } = context.parse(args, {});
    noMorePositionals(positionals, 0);
    const cluster = await withAdmin(context, globals, (admin) => admin.describeCluster());
    const brokers = [...cluster.brokers].sort((a, b) => a.nodeId - b.nodeId);
    if (globals.json) {
      await write(context.io.stdout, toJsonLine({ ...cluster, brokers }));
      return 0;
    }
    const rows = brokers.map((b) => [
      b.nodeId,
      b.host,
      b.port,
      b.rack,
      b.nodeId === cluster.controller ? 'yes' : '',
    ]);
    await write(
      context.io.stdout,
      `Cluster id: ${cluster.clusterId ?? '-'}\nController: ${cluster.controller ?? '-'}\n` +
        renderTable(['ID', 'HOST', 'PORT', 'RACK', 'CONTROLLER'], rows),
    );
    return 0;
  },
};
