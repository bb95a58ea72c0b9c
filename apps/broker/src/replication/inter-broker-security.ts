import { readFileSync } from 'node:fs';
import type { BrokerConfig } from '../config/broker-config.js';
import type { InterBrokerSecurity } from './replica-connection.js';

/**
 * What this broker shows a leader's inter-broker listener: its own TLS key and certificate
 * (`sslKeyFile`, `sslCertFile`) with `sslCaFile` as the CAs it trusts, when it has them, and the
 * PLAIN user `interBrokerSaslUsername`/`interBrokerSaslPassword`, when set. Which of them a
 * connection uses follows the listener's security protocol; resolveConfig has already required
 * the SASL user when the inter-broker listener is a SASL one.
 */
export function interBrokerSecurity(config: BrokerConfig): InterBrokerSecurity {
  const tls =
    config.sslKeyFile && config.sslCertFile
      ? {
          key: readFileSync(config.sslKeyFile),
          cert: readFileSync(config.sslCertFile),
          ...(config.sslCaFile ? { ca: readFileSync(config.sslCaFile) } : {}),
        }
      : undefined;
  const sasl =
    config.interBrokerSaslUsername && config.interBrokerSaslPassword
      ? { username: config.interBrokerSaslUsername, password: config.interBrokerSaslPassword }
      : undefined;
  return { ...(tls ? { tls } : {}), ...(sasl ? { sasl } : {}) };
}
