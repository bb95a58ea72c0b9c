import { RunnelError } from '@runnel/client';

/** A request that got no reply in time: names the pattern, the limit and the correlation id. */
export class RequestTimeoutError extends RunnelError {
  override name = 'RequestTimeoutError';

  constructor(
    readonly pattern: string,
    readonly timeoutMs: number,
    readonly correlationId: string,
  ) {
    super(
      `request '${pattern}' (correlation id ${correlationId}) got no reply on '${pattern}.reply' within ${timeoutMs} ms (requestTimeoutMs)`,
      { retriable: true },
    );
  }
}
