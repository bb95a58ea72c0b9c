/**
 * How the console shows a record's bytes: JSON pretty-printed, other UTF-8 text as it is, anything
 * else (invalid UTF-8, control characters other than whitespace) as hex.
 */
export type ShownBytes =
  | { readonly kind: 'json'; readonly text: string }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'binary'; readonly hex: string; readonly size: number };

const decoder = new TextDecoder('utf-8', { fatal: true });
/** C0 controls other than tab, newline and carriage return, and DEL: a value holding them is not text. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}
/** Binary values longer than this are shown cut, with their full size. */
export const HEX_LIMIT_BYTES = 4096;

export function showBytes(bytes: Uint8Array | null): ShownBytes | null {
  if (bytes === null) return null;
  let text: string | undefined;
  try {
    text = decoder.decode(bytes);
  } catch {
    text = undefined;
  }
  if (text === undefined || hasControl(text)) {
    const hex = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, HEX_LIMIT_BYTES));
    return {
      kind: 'binary',
      hex: hex.toString('hex').replace(/(.{2})(?!$)/g, '$1 '),
      size: bytes.byteLength,
    };
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { kind: 'json', text: JSON.stringify(JSON.parse(trimmed), null, 2) };
    } catch {
      // Looked like JSON but is not: shown as the text it is.
    }
  }
  return { kind: 'text', text };
}

/** The text a filter is matched against: hex for binary, so a filter can look for bytes too. */
export function searchableText(shown: ShownBytes | null): string {
  if (shown === null) return '';
  return shown.kind === 'binary' ? shown.hex : shown.text;
}
