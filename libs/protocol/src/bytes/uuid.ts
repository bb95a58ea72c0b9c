import { ProtocolError } from '../errors/protocol-error.js';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The all-zero UUID, which Kafka uses for "no topic id". */
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/** Parses the canonical 8-4-4-4-12 hex form into 16 bytes. */
export function parseUuid(v: string): Buffer {
  if (!UUID_PATTERN.test(v)) throw new ProtocolError(`'${v}' is not a UUID in 8-4-4-4-12 hex form`);
  return Buffer.from(v.replaceAll('-', ''), 'hex');
}

/** Formats 16 bytes as the canonical 8-4-4-4-12 hex form. */
export function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
