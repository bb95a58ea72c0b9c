export {
  type ClassValidatorSerdeOptions,
  classValidatorDeserializer,
  classValidatorSerializer,
} from './class-validator-serde.js';
export { PayloadValidationError, type PayloadViolation } from './payload-validation-error.js';
