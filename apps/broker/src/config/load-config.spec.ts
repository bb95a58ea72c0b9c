import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, resolveConfig, UsageError } from './load-config.js';

describe('broker configuration', () => {
  it('takes Kafka-like defaults when nothing is given', () => {
    const config = loadConfig([], {});
    expect(config).toMatchObject({
      port: 9092,
      numPartitions: 1,
      autoCreateTopicsEnable: true,
      dataDir: './data',
    });
    expect(config.socketRequestMaxBytes).toBe(100 * 1024 * 1024);
  });

  it('layers file, environment and flags in that order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runnel-config-'));
    const file = join(dir, 'broker.json');
    writeFileSync(file, JSON.stringify({ port: 1111, numPartitions: 3, dataDir: '/from-file' }));
    const config = loadConfig(['--config', file, '--port', '2222'], {
      RUNNEL_PORT: '3333',
      RUNNEL_NUM_PARTITIONS: '4',
      RUNNEL_AUTO_CREATE_TOPICS_ENABLE: 'false',
    });
    expect(config).toMatchObject({
      port: 2222,
      numPartitions: 4,
      dataDir: '/from-file',
      autoCreateTopicsEnable: false,
    });
  });

  it('refuses a queued request byte budget smaller than the largest request, as Kafka does', () => {
    expect(() => loadConfig(['--queued-max-request-bytes', '1048576'], {})).toThrow(
      new ConfigError(
        'invalid broker configuration: queuedMaxRequestBytes = 1048576 (--queued-max-request-bytes, RUNNEL_QUEUED_MAX_REQUEST_BYTES) must be -1 (no budget) or at least socketRequestMaxBytes (104857600)',
      ),
    );
    expect(() => resolveConfig({ queuedMaxRequestBytes: 0 })).toThrow(/must be -1 \(no budget\) or at least/);
    expect(resolveConfig({ queuedMaxRequestBytes: -1 }).queuedMaxRequestBytes).toBe(-1);
    expect(
      loadConfig(['--socket-request-max-bytes', '1048576'], { RUNNEL_QUEUED_MAX_REQUEST_BYTES: '1048576' })
        .queuedMaxRequestBytes,
    ).toBe(1048576);
  });

  it('names the option, the value and the limit of a bad value, in one line', () => {
    expect(() => loadConfig(['--port', '70000'], {})).toThrow(
      new ConfigError(
        'invalid broker configuration: port = 70000 (--port, RUNNEL_PORT) must not be greater than 65535',
      ),
    );
    expect(() => loadConfig([], { RUNNEL_NUM_PARTITIONS: 'many' })).toThrow(
      new ConfigError(
        'invalid broker configuration: numPartitions = "many" (--num-partitions, RUNNEL_NUM_PARTITIONS) must be an integer number',
      ),
    );
  });

  it('says only that a value must be an integer when it is not a number at all', () => {
    expect(() => loadConfig(['--port', 'abc'], {})).toThrow(
      new ConfigError(
        'invalid broker configuration: port = "abc" (--port, RUNNEL_PORT) must be an integer number',
      ),
    );
  });

  it('lists every bad option on the same line', () => {
    expect(() => loadConfig(['--port', '-5', '--http-port', 'x'], {})).toThrow(
      new ConfigError(
        'invalid broker configuration: port = -5 (--port, RUNNEL_PORT) must not be less than 0; httpPort = "x" (--http-port, RUNNEL_HTTP_PORT) must be an integer number',
      ),
    );
  });

  it('takes negative numbers as flag values', () => {
    expect(loadConfig(['--http-port', '-1', '--log-retention-ms', '-1'], {})).toMatchObject({
      httpPort: -1,
      logRetentionMs: -1,
    });
  });

  it('refuses unknown options and flags', () => {
    expect(() => resolveConfig({ prot: 1 })).toThrow(/unknown option\(s\): prot/);
    expect(() => loadConfig(['--prot', '1'], {})).toThrow(
      new UsageError("Unknown option '--prot'; runnel-broker --help lists the options"),
    );
  });
});
