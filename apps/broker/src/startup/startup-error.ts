/**
 * The broker cannot start for a reason its operator can act on: the data directory is a file or
 * is owned by another broker, a port is taken. The message is one line naming the option, its
 * value and what to do; the command line prints it and exits 1, without a stack trace.
 */
export class BrokerStartupError extends Error {
  override readonly name = 'BrokerStartupError';

  constructor(
    message: string,
    /** The option to change: `dataDir`, `port`, `httpPort`, `host`. */
    readonly option: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}
