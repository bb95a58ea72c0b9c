import { ProtocolError } from '../../../errors/protocol-error.js';
import { decode, encode } from '../../codec.js';
import type { InputOf, MessageSchema } from '../../schema.js';

/**
 * At every version of the message, every strict prefix of the encoding of `value` fails to decode
 * with a ProtocolError: a short frame is reported, never read past or mistaken for a message.
 * The value must encode to at least one byte at every version, or there is nothing to cut.
 */
export function expectEveryTruncationToThrow<T>(schema: MessageSchema<T>, value: InputOf<T>): void {
  for (let version = schema.validVersions.min; version <= schema.validVersions.max; version++) {
    const bytes = encode(schema, version, value);
    expect({ version, length: bytes.length }).not.toEqual({ version, length: 0 });
    for (let length = 0; length < bytes.length; length++) {
      const prefix = bytes.subarray(0, length);
      expect({ version, length, thrown: thrownBy(() => decode(schema, version, prefix)) }).toEqual({
        version,
        length,
        thrown: ProtocolError.name,
      });
    }
  }
}

function thrownBy(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof ProtocolError ? ProtocolError.name : String(error);
  }
  return 'nothing';
}
