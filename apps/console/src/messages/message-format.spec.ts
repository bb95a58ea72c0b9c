import { HEX_LIMIT_BYTES, searchableText, showBytes } from './message-format.js';

describe('showBytes', () => {
  it('pretty-prints JSON objects and arrays', () => {
    expect(showBytes(Buffer.from('{"a":1,"b":[true]}'))).toEqual({
      kind: 'json',
      text: '{\n  "a": 1,\n  "b": [\n    true\n  ]\n}',
    });
  });

  it('shows other UTF-8 as text, including text that only looks like JSON', () => {
    expect(showBytes(Buffer.from('héllo\twörld\n'))).toEqual({ kind: 'text', text: 'héllo\twörld\n' });
    expect(showBytes(Buffer.from('{not json'))).toEqual({ kind: 'text', text: '{not json' });
    expect(showBytes(Buffer.from('42'))).toEqual({ kind: 'text', text: '42' });
  });

  it('shows invalid UTF-8 and control characters as hex', () => {
    expect(showBytes(Buffer.from([0xff, 0x00, 0x10]))).toEqual({ kind: 'binary', hex: 'ff 00 10', size: 3 });
    expect(showBytes(Buffer.from('a\u0001b'))).toEqual({ kind: 'binary', hex: '61 01 62', size: 3 });
  });

  it('cuts long binary values at HEX_LIMIT_BYTES and keeps the full size', () => {
    const shown = showBytes(Buffer.alloc(HEX_LIMIT_BYTES + 10, 0xfe));
    expect(shown).toMatchObject({ kind: 'binary', size: HEX_LIMIT_BYTES + 10 });
    expect(searchableText(shown).split(' ')).toHaveLength(HEX_LIMIT_BYTES);
  });

  it('keeps null (a tombstone or no key) apart from empty bytes', () => {
    expect(showBytes(null)).toBeNull();
    expect(showBytes(Buffer.alloc(0))).toEqual({ kind: 'text', text: '' });
    expect(searchableText(null)).toBe('');
  });
});
