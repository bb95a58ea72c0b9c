import { type ValidationError, ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';

/** One violated class-validator constraint set: the property path, the value and constraint -> message. */
export interface PayloadViolation {
  readonly property: string;
  readonly value: unknown;
  readonly constraints: Record<string, string>;
}

/** What a PayloadValidationException carries, and what reaches the caller of a request. */
export interface PayloadValidationError {
  readonly status: 'error';
  readonly name: 'PayloadValidationException';
  readonly message: string;
  readonly violations: PayloadViolation[];
}

/**
 * A payload that failed class-validator. ServerRunnel sends such a record straight to the
 * dead-letter topic with its violations, without retrying (the same bytes would fail again); to a
 * request it is the error reply, `{ status, name, message, violations }`.
 */
export class PayloadValidationException extends RpcException {
  constructor(readonly violations: PayloadViolation[]) {
    const message = `payload validation failed: ${violations
      .flatMap((v) => Object.values(v.constraints))
      .join('; ')}`;
    const error: PayloadValidationError = {
      status: 'error',
      name: 'PayloadValidationException',
      message,
      violations,
    };
    super(error);
  }

  /** class-validator's nested errors as flat violations, paths joined with dots (`items.0.quantity`). */
  static fromValidationErrors(errors: readonly ValidationError[], parent = ''): PayloadValidationException {
    return new PayloadValidationException(flatten(errors, parent));
  }
}

function flatten(errors: readonly ValidationError[], parent: string): PayloadViolation[] {
  return errors.flatMap((error) => {
    const property = parent === '' ? error.property : `${parent}.${error.property}`;
    const own = error.constraints ? [{ property, value: error.value, constraints: error.constraints }] : [];
    return [...own, ...flatten(error.children ?? [], property)];
  });
}

/** Whether `error` (as it comes out of NestJS's RPC exception filter) is a payload validation failure. */
export function isPayloadValidationError(error: unknown): error is PayloadValidationError {
  return (
    error !== null &&
    typeof error === 'object' &&
    (error as { name?: unknown }).name === 'PayloadValidationException' &&
    Array.isArray((error as { violations?: unknown }).violations)
  );
}

/**
 * NestJS's ValidationPipe whose failures are PayloadValidationException. NestJS's own pipe throws
 * a BadRequestException, which its RPC exception filter turns into an anonymous "Internal server
 * error" before a transport sees it, so a transport could not tell a bad payload from a failing
 * handler. Use it as `@Payload(new RunnelValidationPipe()) order: OrderCreated` or with
 * `@UsePipes`; the options are ValidationPipe's (default `{ transform: true }`).
 */
export class RunnelValidationPipe extends ValidationPipe {
  constructor(options: ValidationPipeOptions = {}) {
    super({
      transform: true,
      ...options,
      exceptionFactory: (errors) => PayloadValidationException.fromValidationErrors(errors),
    });
  }
}
