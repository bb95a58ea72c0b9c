import { DEFAULT_COORDINATOR_CONFIG, resolveCoordinatorConfig } from './coordinator-config.js';

describe('resolveCoordinatorConfig', () => {
  it("uses Kafka's defaults", () => {
    expect(resolveCoordinatorConfig()).toEqual({
      groupInitialRebalanceDelayMs: 3000,
      groupMinSessionTimeoutMs: 6000,
      groupMaxSessionTimeoutMs: 1_800_000,
      groupMaxSize: Number.POSITIVE_INFINITY,
      offsetsRetentionMs: 7 * 24 * 60 * 60 * 1000,
      offsetsRetentionCheckIntervalMs: 600_000,
      offsetMetadataMaxBytes: 4096,
    });
    expect(resolveCoordinatorConfig({})).toEqual(DEFAULT_COORDINATOR_CONFIG);
  });

  it('overlays the options it is given', () => {
    expect(resolveCoordinatorConfig({ groupInitialRebalanceDelayMs: 0, groupMaxSize: 10 })).toMatchObject({
      groupInitialRebalanceDelayMs: 0,
      groupMaxSize: 10,
      groupMinSessionTimeoutMs: 6000,
    });
  });

  it('refuses unknown options and bad values, naming the option, the value and the limit', () => {
    expect(() => resolveCoordinatorConfig({ sessionTimeoutMs: 1 } as never)).toThrow(
      /'sessionTimeoutMs' is not a coordinator option/,
    );
    expect(() => resolveCoordinatorConfig({ offsetsRetentionMs: 0 })).toThrow(
      'coordinator option offsetsRetentionMs is 0; it must be at least 1',
    );
    expect(() => resolveCoordinatorConfig({ groupMinSessionTimeoutMs: 1.5 })).toThrow(/must be an integer/);
    expect(() => resolveCoordinatorConfig({ offsetsRetentionMs: Number.POSITIVE_INFINITY })).toThrow(
      /must be an integer/,
    );
    expect(() =>
      resolveCoordinatorConfig({ groupMinSessionTimeoutMs: 10, groupMaxSessionTimeoutMs: 5 }),
    ).toThrow(/groupMinSessionTimeoutMs \(10\) is above groupMaxSessionTimeoutMs \(5\)/);
  });
});
