/** Bad usage: a missing or malformed argument. The bin exits with 2 and prints the command's usage hint. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `--help` among a command's arguments: its usage is printed and the bin exits with 0. */
export class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
}
