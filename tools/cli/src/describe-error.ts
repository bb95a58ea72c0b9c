/**
 * The one line printed for a failed command. The client's errors already name what they are
 * about (`topic 'orders' partition 3: OFFSET_OUT_OF_RANGE (1): ...`, `group 'billing': ...`, the
 * broker a connection failed to, each failure of an AdminAggregateError); a cause is added when
 * its message says something the error's own does not. Errors are recognised by their `message`
 * rather than `instanceof Error`, which fails for errors made in another realm (a VM context).
 */
export function describeError(err: unknown): string {
  const message = messageOf(err) ?? String(err);
  const cause = messageOf((err as { cause?: unknown } | null)?.cause) ?? '';
  const line = cause !== '' && !message.includes(cause) ? `${message} (${cause})` : message;
  return line.replace(/\s*\n\s*/g, ' ');
}

function messageOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { message } = value as { message?: unknown };
  return typeof message === 'string' ? message : undefined;
}
