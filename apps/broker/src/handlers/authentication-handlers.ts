import type { BrokerAuthentication } from '../security/authentication/broker-authentication.js';
import { AlterUserScramCredentialsHandler } from './alter-user-scram-credentials.handler.js';
import { DescribeUserScramCredentialsHandler } from './describe-user-scram-credentials.handler.js';
import type { HandlerGroup } from './handler-group.js';
import { SaslAuthenticateHandler } from './sasl-authenticate.handler.js';
import { SaslHandshakeHandler } from './sasl-handshake.handler.js';

/**
 * SASL authentication (SaslHandshake, SaslAuthenticate), served on every listener as Kafka does,
 * and the management of SCRAM credentials (Describe/AlterUserScramCredentials).
 */
export function authenticationHandlers(authentication: BrokerAuthentication): HandlerGroup {
  return {
    handlers: [
      new SaslHandshakeHandler(),
      new SaslAuthenticateHandler(),
      new DescribeUserScramCredentialsHandler(authentication.scramCredentials),
      new AlterUserScramCredentialsHandler(authentication.scramCredentials),
    ],
  };
}
