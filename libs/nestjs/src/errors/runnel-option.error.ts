import { RunnelError } from '@runnel/client';

/** A transport option out of range, refused at construction: names the option, the value and the limit. */
export class RunnelOptionError extends RunnelError {
  override name = 'RunnelOptionError';

  constructor(
    readonly option: string,
    readonly value: unknown,
    limit: string,
  ) {
    super(`${option}: ${describe(value)} ${limit}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}

/** `value` if it is a whole number within [min, max], else a RunnelOptionError. */
export function wholeNumber(option: string, value: unknown, min: number, max = 2 ** 31 - 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RunnelOptionError(option, value, `is not a whole number from ${min} to ${max}`);
  }
  return value;
}
