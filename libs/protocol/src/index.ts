export { Reader } from './bytes/reader.js';
export { formatUuid, parseUuid, ZERO_UUID } from './bytes/uuid.js';
export { Writer } from './bytes/writer.js';
export { ProtocolError } from './errors/protocol-error.js';
export { decode, decodeFrom, encode, encodeInto } from './messages/codec.js';
export { RequestHeader, ResponseHeader } from './messages/headers.js';
export { ApiVersions } from './messages/apis/api-versions.js';
export {
  type Api,
  type AnyField,
  api,
  type DataOf,
  type Field,
  type FieldOptions,
  field,
  type InputOf,
  inRange,
  type MessageSchema,
  message,
  type RequestOf,
  type ResponseOf,
  t,
  type Type,
  type VersionRange,
  versionRange,
} from './messages/schema.js';
