import {
  ConfigError,
  DEFAULT_BILLING_SERVICE_CONFIG,
  resolveBillingServiceConfig,
} from './billing-service-config.js';

describe('resolveBillingServiceConfig', () => {
  it('defaults to port 3001 on 127.0.0.1 and a broker at 127.0.0.1:9092', () => {
    expect(resolveBillingServiceConfig([], {})).toEqual(DEFAULT_BILLING_SERVICE_CONFIG);
    expect(DEFAULT_BILLING_SERVICE_CONFIG).toMatchObject({
      port: 3001,
      bootstrapServers: ['127.0.0.1:9092'],
    });
  });

  it('takes --port over RUNNEL_BILLING_SERVICE_PORT, so a second instance runs beside the first', () => {
    const env = { RUNNEL_BILLING_SERVICE_PORT: '4001', RUNNEL_BOOTSTRAP_SERVER: 'broker:9092' };
    expect(resolveBillingServiceConfig([], env)).toMatchObject({
      port: 4001,
      bootstrapServers: ['broker:9092'],
    });
    expect(resolveBillingServiceConfig(['--port', '3002'], env)).toMatchObject({ port: 3002 });
  });

  it('refuses bad values naming the setting, the value and the limit', () => {
    expect(() => resolveBillingServiceConfig(['--port', 'x'], {})).toThrow(
      new ConfigError("--port = 'x': must be a whole number from 0 to 65535"),
    );
    expect(() => resolveBillingServiceConfig(['--bootstrap-server', 'a:1,b'], {})).toThrow(
      "'b' is not host:port",
    );
  });
});
