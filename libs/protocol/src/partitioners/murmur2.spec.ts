import { createRequire } from 'node:module';
import fc from 'fast-check';
import { murmur2, toPositive } from './murmur2.js';

// kafkajs's murmur2, a port of the Java client's that goes through 64-bit Long arithmetic.
const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: Buffer,
) => number;

describe('murmur2', () => {
  // Kafka's own vectors: clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java, testMurmur2.
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])("hashes '%s' to %d like the Java client", (key, expected) => {
    expect(murmur2(Buffer.from(key, 'utf8'))).toBe(expected);
  });

  it('hashes every length of tail (0 to 3 trailing bytes) like kafkajs', () => {
    for (let length = 0; length <= 8; length++) {
      const bytes = Buffer.from([0xff, 0x80, 0x7f, 0x01, 0xfe, 0x00, 0xc3, 0x9f].slice(0, length));
      expect(murmur2(bytes)).toBe(kafkajsMurmur2(bytes));
    }
  });

  it('agrees with kafkajs for random byte strings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(murmur2(bytes)).toBe(kafkajsMurmur2(Buffer.from(bytes)));
      }),
      { numRuns: 2000 },
    );
  });

  it('returns a signed 32-bit integer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const h = murmur2(bytes);
        expect(h).toBe(h | 0);
      }),
    );
  });

  it('reads only the bytes of a view, not the rest of its buffer', () => {
    const whole = Buffer.from('xxfoobaryy', 'utf8');
    expect(murmur2(whole.subarray(2, 8))).toBe(-790332482);
  });
});

describe('toPositive', () => {
  it('clears the sign bit instead of negating', () => {
    expect(toPositive(5)).toBe(5);
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-973932308)).toBe(1173551340);
  });
});
