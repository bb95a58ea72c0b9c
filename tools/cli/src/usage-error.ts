/** Bad usage: a missing or malformed argument. The bin exits with 2 and prints the command's usage hint. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
