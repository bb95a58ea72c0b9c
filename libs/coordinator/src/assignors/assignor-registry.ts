import { cooperativeStickyAssignor } from './cooperative-sticky-assignor.js';
import type { PartitionAssignor } from './partition-assignor.js';
import { rangeAssignor } from './range-assignor.js';
import { roundRobinAssignor } from './round-robin-assignor.js';
import { stickyAssignor } from './sticky-assignor.js';

/** The built-in assignors, under the protocol names Kafka clients use in JoinGroup. */
export const ASSIGNORS: readonly PartitionAssignor[] = [
  rangeAssignor,
  roundRobinAssignor,
  stickyAssignor,
  cooperativeStickyAssignor,
];

const byName = new Map(ASSIGNORS.map((assignor) => [assignor.name, assignor]));

/** The built-in assignor of that protocol name (`range`, `roundrobin`, `sticky`, `cooperative-sticky`). */
export function assignorByName(name: string): PartitionAssignor | undefined {
  return byName.get(name);
}
