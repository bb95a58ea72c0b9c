import { rangeAssignor } from '@runnel/coordinator';
import { DEFAULT_GROUP_OPTIONS, KAFKAJS_ROUND_ROBIN, resolveGroupConfig } from './consumer-group-options.js';
import { ConsumerGroupConfigError } from './group-errors.js';

describe('resolveGroupConfig', () => {
  it("fills in Kafka's defaults; the rebalance timeout follows maxPollIntervalMs as Java sends it", () => {
    const config = resolveGroupConfig({ groupId: 'billing' });
    expect(config).toMatchObject({
      groupId: 'billing',
      sessionTimeoutMs: 45_000,
      heartbeatIntervalMs: 3_000,
      maxPollIntervalMs: 300_000,
      rebalanceTimeoutMs: 300_000,
      groupInstanceId: null,
      retryBackoffMs: 100,
    });
    expect(config.assignors.map(({ name }) => name)).toEqual(['range', 'cooperative-sticky']);
    expect(resolveGroupConfig({ groupId: 'g', maxPollIntervalMs: 20_000 }).rebalanceTimeoutMs).toBe(20_000);
    expect(
      resolveGroupConfig({ groupId: 'g', maxPollIntervalMs: 20_000, rebalanceTimeoutMs: 7_000 })
        .rebalanceTimeoutMs,
    ).toBe(7_000);
    expect(DEFAULT_GROUP_OPTIONS.partitionAssigners).toEqual(['range', 'cooperative-sticky']);
  });

  it('rebalances cooperatively only when every assignor supports it (Java rule)', () => {
    expect(resolveGroupConfig({ groupId: 'g' }).rebalanceProtocol).toBe('eager');
    expect(
      resolveGroupConfig({ groupId: 'g', partitionAssigners: ['cooperative-sticky'] }).rebalanceProtocol,
    ).toBe('cooperative');
    expect(
      resolveGroupConfig({ groupId: 'g', partitionAssigners: ['sticky', 'roundrobin'] }).rebalanceProtocol,
    ).toBe('eager');
  });

  it("knows kafkajs's round-robin protocol name and takes assignor objects", () => {
    const config = resolveGroupConfig({
      groupId: 'g',
      partitionAssigners: [KAFKAJS_ROUND_ROBIN, rangeAssignor],
    });
    expect(config.assignors.map(({ name }) => name)).toEqual(['RoundRobinAssigner', 'range']);
  });

  it.each([
    [{ groupId: '' }, 'groupId', 'groupId = "": must be a non-empty string'],
    [
      { groupId: 'g', sessionTimeoutMs: 0 },
      'sessionTimeoutMs',
      'sessionTimeoutMs = 0: must be an integer from 1',
    ],
    [{ groupId: 'g', heartbeatIntervalMs: 1.5 }, 'heartbeatIntervalMs', 'heartbeatIntervalMs = 1.5'],
    [
      { groupId: 'g', sessionTimeoutMs: 6000, heartbeatIntervalMs: 6000 },
      'heartbeatIntervalMs',
      'heartbeatIntervalMs = 6000: must be below sessionTimeoutMs (6000)',
    ],
    [{ groupId: 'g', partitionAssigners: [] }, 'partitionAssigners', 'must list at least one assignor'],
    [
      { groupId: 'g', partitionAssigners: ['fair'] },
      'partitionAssigners',
      'partitionAssigners = "fair": unknown assignor',
    ],
    [{ groupId: 'g', partitionAssigners: ['range', 'range'] }, 'partitionAssigners', 'listed only once'],
    [
      { groupId: 'g', groupInstanceId: 'pod 1' },
      'groupInstanceId',
      'groupInstanceId = "pod 1": must be 1 to 249',
    ],
    [
      { groupId: 'g', retryBackoffMs: -1 },
      'retryBackoffMs',
      'retryBackoffMs = -1: must be an integer from 0',
    ],
  ])('refuses %j naming the option, the value and the limit', (options, option, message) => {
    const attempt = () => resolveGroupConfig(options);
    expect(attempt).toThrow(ConsumerGroupConfigError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as ConsumerGroupConfigError).option).toBe(option);
    }
  });

  it('refuses assignors that share no rebalance protocol', () => {
    const cooperativeOnly = {
      ...rangeAssignor,
      name: 'coop-only',
      supportedProtocols: ['cooperative' as const],
    };
    expect(() =>
      resolveGroupConfig({ groupId: 'g', partitionAssigners: ['range', cooperativeOnly] }),
    ).toThrow('the assignors share no rebalance protocol');
  });
});
