import { RunnelError, type RunnelErrorOptions } from './runnel-error.js';

/**
 * Something did not finish within its limit: a connect within `connectionTimeoutMs`, a response
 * within `requestTimeoutMs`. The message names the operation and the limit. Retriable by default.
 */
export class TimeoutError extends RunnelError {
  override name = 'TimeoutError';
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(message: string, timeoutMs: number, options: RunnelErrorOptions = {}) {
    super(message, { retriable: true, ...options });
    this.timeoutMs = timeoutMs;
  }
}
