import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, resolveConfig } from './load-config.js';

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

  it('names the option, the value and the limit of a bad value', () => {
    expect(() => loadConfig(['--port', '70000'], {})).toThrow(
      /port = 70000: port must not be greater than 65535/,
    );
    expect(() => loadConfig([], { RUNNEL_NUM_PARTITIONS: 'many' })).toThrow(/numPartitions = "many"/);
  });

  it('takes negative numbers as flag values', () => {
    expect(loadConfig(['--http-port', '-1', '--log-retention-ms', '-1'], {})).toMatchObject({
      httpPort: -1,
      logRetentionMs: -1,
    });
  });

  it('refuses unknown options and flags', () => {
    expect(() => resolveConfig({ prot: 1 })).toThrow(/unknown option\(s\): prot/);
    expect(() => loadConfig(['--prot', '1'], {})).toThrow(ConfigError);
  });
});
