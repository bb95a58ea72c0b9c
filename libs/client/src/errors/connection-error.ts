import { RunnelError, type RunnelErrorOptions } from './runnel-error.js';

/**
 * A broker connection could not be opened, or ended with requests unanswered (refused, reset,
 * closed by either side, a response that breaks the protocol). Retriable by default: another
 * connection, possibly to another broker after a metadata refresh, may succeed.
 */
export class ConnectionError extends RunnelError {
  override name = 'ConnectionError';
  /** `host:port` of the broker. */
  readonly broker: string;
  /** The message without the broker in front of it. */
  readonly detail: string;

  constructor(broker: string, detail: string, options: RunnelErrorOptions = {}) {
    super(`broker ${broker}: ${detail}`, { retriable: true, ...options });
    this.broker = broker;
    this.detail = detail;
  }
}
