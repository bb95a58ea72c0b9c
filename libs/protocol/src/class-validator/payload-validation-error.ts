import { type RecordLocation, SerializationError } from '../errors/serialization-error.js';

/** One property that broke at least one constraint. */
export interface PayloadViolation {
  /** Dotted path from the payload's root: `amount`, `customer.email`, `lines.0.quantity`. */
  readonly property: string;
  /** The value the property had. */
  readonly value: unknown;
  /** Constraint name -> class-validator's message, e.g. `{ min: 'amount must not be less than 0' }`. */
  readonly constraints: Readonly<Record<string, string>>;
}

/**
 * A payload that is well-formed JSON but breaks the constraints of its class. Lists every violated
 * constraint, not just the first:
 * `topic 'orders' partition 3 offset 42: OrderCreated breaks 2 constraints: amount = -5: amount must
 * not be less than 0; customer.email = "nope": email must be an email`.
 * A SerializationError, so one `catch` handles bad JSON and invalid payloads alike.
 */
export class PayloadValidationError extends SerializationError {
  override readonly name: string = 'PayloadValidationError';

  constructor(
    /** Name of the class the payload was checked against. */
    readonly targetName: string,
    readonly violations: readonly PayloadViolation[],
    location?: RecordLocation,
  ) {
    super(describeViolations(targetName, violations), { location });
  }
}

function describeViolations(targetName: string, violations: readonly PayloadViolation[]): string {
  const lines = violations.flatMap((violation) =>
    Object.values(violation.constraints).map(
      (message) => `${violation.property} = ${describeValue(violation.value)}: ${message}`,
    ),
  );
  const count = lines.length === 1 ? '1 constraint' : `${lines.length} constraints`;
  return `${targetName} breaks ${count}: ${lines.join('; ')}`;
}

const MAX_VALUE_LENGTH = 80;

/** The value as JSON, cut to MAX_VALUE_LENGTH characters so one huge field cannot flood a log line. */
function describeValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}
