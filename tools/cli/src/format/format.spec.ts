import { UsageError } from '../usage-error.js';
import { toJsonLine } from './json.js';
import { compileFormat, type FormattableMessage, messageJson } from './message-format.js';
import { renderTable } from './table.js';

const message: FormattableMessage = {
  topic: 'orders',
  partition: 2,
  offset: 41n,
  timestamp: 1700000000000,
  key: Buffer.from('k'),
  value: Buffer.from('hello'),
  headers: [
    { key: 'a', value: Buffer.from('1') },
    { key: 'b', value: null },
  ],
};

describe('renderTable', () => {
  test('pads columns to their widest cell, two spaces apart, null as -', () => {
    expect(
      renderTable(
        ['A', 'LONG-HEADER'],
        [
          [1n, null],
          ['wide cell', 'x'],
        ],
      ),
    ).toBe('A          LONG-HEADER\n1          -\nwide cell  x\n');
  });
});

describe('toJsonLine', () => {
  test('bigints as numbers while safe, as strings beyond 2^53; Buffers as text', () => {
    expect(toJsonLine({ a: 5n, b: 2n ** 60n, c: Buffer.from('hi'), d: [null] })).toBe(
      '{"a":5,"b":"1152921504606846976","c":"hi","d":[null]}\n',
    );
  });
});

describe('compileFormat', () => {
  test('renders every kcat token and escape', () => {
    expect(compileFormat('%t %p %o %T %k %v %s %K %S %h %%\\t|\\\\\\n')(message)).toBe(
      'orders 2 41 1700000000000 k hello hello 1 5 a=1,b= %\t|\\\n',
    );
  });

  test('null key and value render empty, their sizes -1', () => {
    expect(compileFormat('[%k][%v] %K %S')({ ...message, key: null, value: null })).toBe('[][] -1 -1');
  });

  test('an unknown token or a trailing % is a UsageError naming it', () => {
    expect(() => compileFormat('%x')).toThrow(
      new UsageError("--format '%x': '%x' at 0 is not a known token"),
    );
    expect(() => compileFormat('abc%')).toThrow(/'%' at 3 is not a known token/);
    expect(() => compileFormat('\\q')).toThrow(UsageError);
  });

  test('messageJson keeps null and writes text', () => {
    expect(messageJson({ ...message, key: null })).toEqual({
      topic: 'orders',
      partition: 2,
      offset: 41n,
      timestamp: 1700000000000,
      key: null,
      value: 'hello',
      headers: [
        { key: 'a', value: '1' },
        { key: 'b', value: null },
      ],
    });
  });
});
