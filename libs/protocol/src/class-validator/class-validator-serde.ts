import {
  type ClassConstructor,
  type ClassTransformOptions,
  instanceToPlain,
  plainToInstance,
} from 'class-transformer';
import { type ValidationError, type ValidatorOptions, validateSync } from 'class-validator';
import { type RecordLocation, SerializationError } from '../errors/serialization-error.js';
import { jsonDeserializer, jsonSerializer } from '../serializers/json-serde.js';
import type { Deserializer, Serializer } from '../serializers/serializer.js';
import { PayloadValidationError, type PayloadViolation } from './payload-validation-error.js';

/**
 * JSON payloads checked against a class decorated with class-validator, in both directions. Loaded
 * only through `@runnel/protocol/class-validator`, so class-validator and class-transformer stay
 * optional peer dependencies of `@runnel/protocol`. Classes that use `@Type` (nested objects) need
 * `reflect-metadata` loaded once by the application, as NestJS applications already do.
 */
export interface ClassValidatorSerdeOptions {
  /**
   * Options for `validateSync`. Default: class-validator's own (unknown objects are rejected, extra
   * properties are kept). `validationError.target` is always off and `.value` always on, so errors
   * carry the offending values but not the whole payload.
   */
  readonly validator?: ValidatorOptions;
  /** Options for `plainToInstance` / `instanceToPlain`. Default: class-transformer's own. */
  readonly transformer?: ClassTransformOptions;
}

/**
 * Reads JSON bytes into an instance of `target` (class-transformer's `plainToInstance`) and validates
 * it synchronously (class-validator's `validateSync`). Null bytes give null (a tombstone). Throws a
 * SerializationError when the bytes are not JSON or not a JSON object, and a PayloadValidationError
 * listing every violated constraint when the object breaks the class's rules.
 */
export function classValidatorDeserializer<T extends object>(
  target: ClassConstructor<T>,
  options: ClassValidatorSerdeOptions = {},
): Deserializer<T> {
  const json = jsonDeserializer<unknown>();
  return {
    deserialize(bytes, context) {
      if (bytes === null) return null;
      const plain = json.deserialize(bytes, context);
      if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
        const kind = plain === null ? 'null' : Array.isArray(plain) ? 'an array' : `a ${typeof plain}`;
        throw new SerializationError(`expected a JSON object for ${target.name}, got ${kind}`, {
          location: context,
        });
      }
      const instance = plainToInstance(target, plain, options.transformer);
      validate(target, instance, options, context);
      return instance;
    },
  };
}

/**
 * Validates a value against `target` before writing it as JSON bytes: an instance of `target` is
 * checked as it is, a plain object is first made into one. Null stays null. Throws a
 * PayloadValidationError listing every violated constraint, so invalid payloads never reach a topic.
 */
export function classValidatorSerializer<T extends object>(
  target: ClassConstructor<T>,
  options: ClassValidatorSerdeOptions = {},
): Serializer<T> {
  const json = jsonSerializer<Record<string, unknown>>();
  return {
    serialize(value, context) {
      if (value === null) return null;
      const instance = value instanceof target ? value : plainToInstance(target, value, options.transformer);
      validate(target, instance, options, context === undefined ? undefined : { topic: context.topic });
      return json.serialize(instanceToPlain(instance, options.transformer), context);
    },
  };
}

function validate<T extends object>(
  target: ClassConstructor<T>,
  instance: T,
  options: ClassValidatorSerdeOptions,
  location: RecordLocation | undefined,
): void {
  const errors = validateSync(instance, {
    ...options.validator,
    validationError: { target: false, value: true },
  });
  if (errors.length > 0) throw new PayloadValidationError(target.name, toViolations(errors, ''), location);
}

/** Flattens class-validator's tree (nested objects report through `children`) into dotted paths. */
function toViolations(errors: readonly ValidationError[], parentPath: string): PayloadViolation[] {
  return errors.flatMap((error) => {
    const property = parentPath === '' ? error.property : `${parentPath}.${error.property}`;
    const own: PayloadViolation[] =
      error.constraints === undefined || Object.keys(error.constraints).length === 0
        ? []
        : [{ property, value: error.value, constraints: error.constraints }];
    return [...own, ...toViolations(error.children ?? [], property)];
  });
}
