import { ASSIGNORS, assignorByName } from './assignor-registry.js';
import { cooperativeStickyAssignor } from './cooperative-sticky-assignor.js';
import { rangeAssignor } from './range-assignor.js';
import { roundRobinAssignor } from './round-robin-assignor.js';
import { stickyAssignor } from './sticky-assignor.js';

describe('assignor registry', () => {
  it('holds the four assignors under the names Kafka clients use', () => {
    expect(ASSIGNORS.map((a) => a.name)).toEqual(['range', 'roundrobin', 'sticky', 'cooperative-sticky']);
  });

  it('finds each assignor by its protocol name', () => {
    expect(assignorByName('range')).toBe(rangeAssignor);
    expect(assignorByName('roundrobin')).toBe(roundRobinAssignor);
    expect(assignorByName('sticky')).toBe(stickyAssignor);
    expect(assignorByName('cooperative-sticky')).toBe(cooperativeStickyAssignor);
  });

  it('finds nothing under a name it does not know', () => {
    expect(assignorByName('RoundRobinAssigner')).toBeUndefined();
    expect(assignorByName('')).toBeUndefined();
  });
});
