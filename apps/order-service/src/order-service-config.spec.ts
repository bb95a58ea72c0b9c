import {
  ConfigError,
  DEFAULT_ORDER_SERVICE_CONFIG,
  resolveOrderServiceConfig,
} from './order-service-config.js';

describe('resolveOrderServiceConfig', () => {
  it('defaults to port 3000 on 127.0.0.1 and a broker at 127.0.0.1:9092', () => {
    expect(resolveOrderServiceConfig([], {})).toEqual(DEFAULT_ORDER_SERVICE_CONFIG);
    expect(DEFAULT_ORDER_SERVICE_CONFIG).toMatchObject({ port: 3000, bootstrapServers: ['127.0.0.1:9092'] });
  });

  it('takes flags over RUNNEL_* variables', () => {
    const config = resolveOrderServiceConfig(['--port', '4000', '--bootstrap-server=a:1,[::1]:2'], {
      RUNNEL_ORDER_SERVICE_PORT: '5000',
      RUNNEL_QUOTE_TIMEOUT_MS: '250',
    });
    expect(config).toMatchObject({ port: 4000, bootstrapServers: ['a:1', '[::1]:2'], quoteTimeoutMs: 250 });
  });

  it('refuses bad values naming the setting, the value and the limit', () => {
    expect(() => resolveOrderServiceConfig(['--port', '70000'], {})).toThrow(
      new ConfigError("--port = '70000': must be a whole number from 0 to 65535"),
    );
    expect(() => resolveOrderServiceConfig([], { RUNNEL_BOOTSTRAP_SERVER: 'localhost' })).toThrow(
      "RUNNEL_BOOTSTRAP_SERVER = 'localhost': 'localhost' is not host:port",
    );
    expect(() => resolveOrderServiceConfig(['--prot', '1'], {})).toThrow('unknown option --prot');
    expect(() => resolveOrderServiceConfig(['--port'], {})).toThrow('--port needs a value');
  });
});
