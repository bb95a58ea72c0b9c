/**
 * The one line printed for a failed command. The client's errors already name what they are
 * about (`topic 'orders' partition 3: OFFSET_OUT_OF_RANGE (1): ...`, `group 'billing': ...`, the
 * broker a connection failed to, each failure of an AdminAggregateError); a cause is added when
 * its message says something the error's own does not.
 */
export function describeError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : '';
  const line = cause !== '' && !message.includes(cause) ? `${message} (${cause})` : message;
  return line.replace(/\s*\n\s*/g, ' ');
}
