import { ConfigError, DEFAULT_CONSOLE_CONFIG, resolveConsoleConfig } from './console-config.js';

describe('resolveConsoleConfig', () => {
  it('defaults to port 8080 on 127.0.0.1, a broker at 127.0.0.1:9092, changes allowed', () => {
    expect(resolveConsoleConfig([], {})).toEqual(DEFAULT_CONSOLE_CONFIG);
    expect(DEFAULT_CONSOLE_CONFIG).toMatchObject({
      port: 8080,
      bootstrapServers: ['127.0.0.1:9092'],
      readOnly: false,
      lagSampleMs: 5000,
    });
  });

  it('takes flags over RUNNEL_CONSOLE_* variables; --read-only stands alone', () => {
    const config = resolveConsoleConfig(['--port', '9000', '--read-only', '--bootstrap-server=a:1,[::1]:2'], {
      RUNNEL_CONSOLE_PORT: '7000',
      RUNNEL_CONSOLE_LAG_SAMPLE_MS: '250',
    });
    expect(config).toMatchObject({
      port: 9000,
      readOnly: true,
      bootstrapServers: ['a:1', '[::1]:2'],
      lagSampleMs: 250,
    });
    expect(resolveConsoleConfig(['--read-only=false'], { RUNNEL_CONSOLE_READ_ONLY: 'true' }).readOnly).toBe(
      false,
    );
    expect(resolveConsoleConfig([], { RUNNEL_CONSOLE_READ_ONLY: 'true' }).readOnly).toBe(true);
  });

  it('--allowed-hosts: comma-separated host names, lower-cased; a leading dot for a domain', () => {
    expect(resolveConsoleConfig([], {}).allowedHosts).toEqual([]);
    expect(
      resolveConsoleConfig(['--allowed-hosts', 'Console.Example, .corp.example'], {
        RUNNEL_CONSOLE_ALLOWED_HOSTS: 'other.example',
      }).allowedHosts,
    ).toEqual(['console.example', '.corp.example']);
    expect(() => resolveConsoleConfig([], { RUNNEL_CONSOLE_ALLOWED_HOSTS: 'a.example,http://b' })).toThrow(
      new ConfigError(
        "RUNNEL_CONSOLE_ALLOWED_HOSTS = 'a.example,http://b': 'http://b' is not a host name (letters, digits, '-' and '.'; a leading '.' for a whole domain)",
      ),
    );
  });

  it('refuses bad values naming the setting, the value and the limit', () => {
    expect(() => resolveConsoleConfig(['--port', '70000'], {})).toThrow(
      new ConfigError("--port = '70000': must be a whole number from 0 to 65535"),
    );
    expect(() => resolveConsoleConfig([], { RUNNEL_CONSOLE_BOOTSTRAP_SERVER: 'localhost' })).toThrow(
      "RUNNEL_CONSOLE_BOOTSTRAP_SERVER = 'localhost': 'localhost' is not host:port",
    );
    expect(() => resolveConsoleConfig([], { RUNNEL_CONSOLE_READ_ONLY: 'yes' })).toThrow(
      "RUNNEL_CONSOLE_READ_ONLY = 'yes': must be true or false",
    );
    expect(() => resolveConsoleConfig(['--lag-sample-ms', '5'], {})).toThrow('from 100 to 3600000');
    expect(() => resolveConsoleConfig(['--prot', '1'], {})).toThrow('unknown option --prot');
  });

  it('takes the brokers security settings, with the password from the environment', () => {
    const config = resolveConsoleConfig(
      ['--security-protocol', 'sasl_ssl', '--ssl-ca-file', '/etc/ca.crt', '--sasl-username', 'admin'],
      { RUNNEL_CONSOLE_SASL_PASSWORD: 'admin-secret', RUNNEL_CONSOLE_SASL_MECHANISM: 'SCRAM-SHA-256' },
    );
    expect(config).toMatchObject({
      securityProtocol: 'SASL_SSL',
      sslCaFile: '/etc/ca.crt',
      saslMechanism: 'SCRAM-SHA-256',
      saslUsername: 'admin',
      saslPassword: 'admin-secret',
    });
    expect(() => resolveConsoleConfig(['--security-protocol', 'SASL_PLAINTEXT'], {})).toThrow(
      '--security-protocol SASL_PLAINTEXT needs --sasl-username and --sasl-password',
    );
    expect(() => resolveConsoleConfig(['--sasl-mechanism', 'GSSAPI'], {})).toThrow(
      "--sasl-mechanism = 'GSSAPI': must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512",
    );
  });
});
