import { FRAME_SIZE_PREFIX } from '@runnel/protocol';
import { CloseConnection } from '../handlers/api-handler.js';
import type { SaslSession } from '../security/authentication/sasl-session.js';
import type { Dispatch } from './kafka-connection.js';

/** What a SASL listener's connection offers the gate. */
export interface SaslConnection {
  readonly sasl?: SaslSession | undefined;
}

/**
 * The dispatch of a SASL listener: each frame passes its connection's SaslSession first. A
 * request the session does not permit yet (anything but ApiVersions, SaslHandshake and
 * SaslAuthenticate before authentication, or after the session expired) closes the connection,
 * as Kafka does. After SaslHandshake v0 the frames are bare SASL tokens (KIP-43's original
 * framing, which kafka-python still uses): each is answered with a bare size-prefixed challenge,
 * and a failed one closes the connection without an answer, as Kafka's SaslServerAuthenticator
 * does in that framing.
 */
export function saslGate(dispatch: Dispatch): Dispatch {
  return (frame, connection) => {
    const session = (connection as SaslConnection).sasl;
    if (!session) return dispatch(frame, connection);
    if (session.expectsRawTokens) {
      const outcome = session.authenticate(frame);
      if (outcome.kind === 'failed')
        return new CloseConnection(`SASL authentication failed: ${outcome.message}`);
      const size = Buffer.allocUnsafe(FRAME_SIZE_PREFIX);
      size.writeInt32BE(outcome.challenge.length);
      return [size, outcome.challenge];
    }
    if (frame.length < 2) return new CloseConnection('request too short to name its API');
    const refusal = session.refusal(frame.readInt16BE(0));
    if (refusal) return new CloseConnection(refusal);
    return dispatch(frame, connection);
  };
}
