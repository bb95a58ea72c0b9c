import type { GroupMetrics } from '@runnel/coordinator';
import { Gauge, type Registry } from 'prom-client';

/** What the group gauges are read from at scrape time. */
export interface GroupGaugeSource {
  /** State, member count and committed offsets of every group (`GroupCoordinator.groupMetrics`). */
  groupMetrics(): GroupMetrics[];
  /** Log end offset of a partition; undefined when it does not exist or its log is offline. */
  logEndOffset(topic: string, partition: number): bigint | undefined;
}

/**
 * Consumer group gauges, filled at scrape time: members per group, the group's state (1 for the
 * state it is in, as a label) and, per committed partition, the committed offset and the lag
 * (log end offset minus committed offset, never below 0: a commit past the end after DeleteRecords
 * or truncation is no lag). A partition that no longer exists has no lag gauge.
 */
export function registerGroupGauges(registry: Registry, source: GroupGaugeSource): void {
  const state = new Gauge({
    name: 'runnel_consumer_group_state',
    help: 'The state a consumer group is in (1), by group and state',
    labelNames: ['group', 'state'],
    registers: [],
  });
  const committed = new Gauge({
    name: 'runnel_consumer_group_committed_offset',
    help: 'Offset a consumer group committed, per partition',
    labelNames: ['group', 'topic', 'partition'],
    registers: [],
  });
  const lag = new Gauge({
    name: 'runnel_consumer_group_lag',
    help: 'Records between a consumer group committed offset and the log end offset, per partition',
    labelNames: ['group', 'topic', 'partition'],
    registers: [],
  });
  // Registered first, so its collect() fills every group gauge before any is read.
  registry.registerMetric(
    new Gauge({
      name: 'runnel_consumer_group_members',
      help: 'Members of a consumer group',
      labelNames: ['group'],
      registers: [],
      collect() {
        for (const gauge of [this, state, committed, lag]) gauge.reset();
        for (const group of source.groupMetrics()) {
          this.set({ group: group.groupId }, group.memberCount);
          state.set({ group: group.groupId, state: group.state }, 1);
          for (const { topic, partition, offset } of group.offsets) {
            const labels = { group: group.groupId, topic, partition: String(partition) };
            committed.set(labels, Number(offset));
            const end = source.logEndOffset(topic, partition);
            if (end !== undefined) lag.set(labels, Math.max(0, Number(end - offset)));
          }
        }
      },
    }),
  );
  for (const gauge of [state, committed, lag]) registry.registerMetric(gauge);
}
