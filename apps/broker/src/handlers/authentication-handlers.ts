import type { BrokerAuthentication } from '../security/authentication/broker-authentication.js';
import type { HandlerGroup } from './handler-group.js';
import { SaslAuthenticateHandler } from './sasl-authenticate.handler.js';
import { SaslHandshakeHandler } from './sasl-handshake.handler.js';

/** SASL authentication: SaslHandshake and SaslAuthenticate, served on every listener as Kafka does. */
export function authenticationHandlers(_authentication: BrokerAuthentication): HandlerGroup {
  return { handlers: [new SaslHandshakeHandler(), new SaslAuthenticateHandler()] };
}
