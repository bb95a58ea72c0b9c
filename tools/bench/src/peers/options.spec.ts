import { BenchUsageError, DEFAULT_OPTIONS, parseOptions, usage } from './options.js';

const IDS = ['raw_disk', 'runnel.client.acks_1', 'nats_jetstream.file'];

describe('parseOptions', () => {
  it('gives the documented defaults for an empty command line', () => {
    expect(parseOptions([], IDS)).toEqual(DEFAULT_OPTIONS);
    expect(DEFAULT_OPTIONS).toMatchObject({
      records: 1_000_000,
      latencyRate: 10_000,
      latencySeconds: 3,
      write: true,
    });
  });

  it('reads every option', () => {
    const options = parseOptions(
      [
        '--records',
        '5000',
        '--throughput',
        '2000',
        '--warmup-seconds',
        '0',
        '--latency-seconds',
        '2',
        '--only',
        'raw_disk,nats_jetstream.file',
        '--no-write',
      ],
      IDS,
    );
    expect(options).toEqual({
      records: 5000,
      latencyRate: 2000,
      warmupSeconds: 0,
      latencySeconds: 2,
      only: ['raw_disk', 'nats_jetstream.file'],
      write: false,
    });
  });

  it.each([
    [['--records', '10'], '--records 10 is not a whole number from 1000 to 100000000'],
    [['--records', '1e6'], '--records 1e6 is not a whole number from 1000 to 100000000'],
    [['--records'], '--records needs a value (a whole number from 1000 to 100000000)'],
    [['--throughput', '-5'], '--throughput -5 is not a whole number from 100 to 1000000'],
    [['--latency-seconds', '0'], '--latency-seconds 0 is not a whole number from 1 to 600'],
    [
      ['--only', 'redis'],
      '--only redis: no such row; rows are raw_disk, runnel.client.acks_1, nats_jetstream.file',
    ],
    [['--only'], '--only needs row ids: raw_disk, runnel.client.acks_1, nats_jetstream.file'],
    [['--fast'], 'unknown option --fast'],
  ])('refuses %j naming the option, the value and the limit', (argv, message) => {
    expect(() => parseOptions(argv, IDS)).toThrow(new BenchUsageError(message));
  });

  it('has a help naming every option with its default and range, and the rows', () => {
    const help = usage(IDS);
    expect(help).toContain(
      '--records N          records of 100 bytes produced then consumed per row (default 1000000, 1000..100000000)',
    );
    expect(help).toContain(
      '--throughput N       records/s of the latency phase (default 10000, 100..1000000)',
    );
    expect(help).toContain(
      'run only these rows (default all): raw_disk, runnel.client.acks_1, nats_jetstream.file',
    );
  });
});
