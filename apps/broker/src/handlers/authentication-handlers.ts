import type { BrokerAuthentication } from '../security/authentication/broker-authentication.js';
import type { Authorizer } from '../security/authorization/authorizer.js';
import { AlterUserScramCredentialsHandler } from './alter-user-scram-credentials.handler.js';
import { DescribeUserScramCredentialsHandler } from './describe-user-scram-credentials.handler.js';
import type { HandlerGroup } from './handler-group.js';
import { SaslAuthenticateHandler } from './sasl-authenticate.handler.js';
import { SaslHandshakeHandler } from './sasl-handshake.handler.js';

/**
 * SASL authentication (SaslHandshake, SaslAuthenticate), served on every listener as Kafka does,
 * and the management of SCRAM credentials (Describe/AlterUserScramCredentials, which need Describe
 * and Alter on the cluster with `--authorizer acl`).
 */
export function authenticationHandlers(
  authentication: BrokerAuthentication,
  authorizer: Authorizer,
): HandlerGroup {
  return {
    handlers: [
      new SaslHandshakeHandler(),
      new SaslAuthenticateHandler(),
      new DescribeUserScramCredentialsHandler(authentication.scramCredentials, authorizer),
      new AlterUserScramCredentialsHandler(authentication.scramCredentials, authorizer),
    ],
  };
}
