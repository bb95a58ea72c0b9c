import { encodeRequestFrame, Produce } from '@runnel/protocol';
import { encodeProduceRequestFrame, type ProduceRequestBody } from './produce-request-frame.js';

const batch = (bytes: number, fill: number) => Buffer.alloc(bytes, fill);

const bodies: Record<string, ProduceRequestBody> = {
  'one partition': {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: 'orders', partitionData: [{ index: 0, records: batch(300, 1) }] }],
  },
  'two topics, several partitions, a transactional id, non-ASCII names': {
    transactionalId: 'tx-1',
    acks: 1,
    timeoutMs: 5,
    topicData: [
      {
        name: 'bestellungen-ü',
        partitionData: [
          { index: 3, records: batch(70, 2) },
          { index: 1, records: batch(16384, 3) },
        ],
      },
      { name: 'b', partitionData: [{ index: 0, records: batch(1, 4) }] },
    ],
  },
  'null and empty records': {
    transactionalId: null,
    acks: 0,
    timeoutMs: 0,
    topicData: [
      {
        name: 't',
        partitionData: [
          { index: 0, records: null },
          { index: 1, records: Buffer.alloc(0) },
          { index: 2, records: batch(9, 5) },
        ],
      },
    ],
  },
  'no topics': { transactionalId: null, acks: 1, timeoutMs: 100, topicData: [] },
};

describe('encodeProduceRequestFrame', () => {
  for (const [name, body] of Object.entries(bodies)) {
    for (let version = 0; version <= 8; version++) {
      // v0-v2 have no transactionalId field; the schema encoder refuses a non-null one there.
      if (version < 3 && body.transactionalId !== null) continue;
      it(`writes what encodeRequestFrame writes: ${name}, v${version}`, () => {
        const chunks = encodeProduceRequestFrame(version, 123456, 'client-ä', body);
        const expected = encodeRequestFrame(
          Produce,
          version,
          { correlationId: 123456, clientId: 'client-ä' },
          body,
        );
        expect(Buffer.concat(chunks).equals(expected)).toBe(true);
      });
    }
  }

  it('passes each record batch as its own chunk, uncopied', () => {
    const body = bodies['two topics, several partitions, a transactional id, non-ASCII names']!;
    const chunks = encodeProduceRequestFrame(8, 1, 'c', body);
    const batches = body.topicData.flatMap((t) => t.partitionData.map((p) => p.records));
    for (const records of batches) expect(chunks).toContain(records);
    expect(chunks).toHaveLength(2 * batches.length);
  });

  it('writes a null client id as length -1', () => {
    const body = bodies['one partition']!;
    const chunks = encodeProduceRequestFrame(7, 9, null, body);
    const expected = encodeRequestFrame(Produce, 7, { correlationId: 9, clientId: null }, body);
    expect(Buffer.concat(chunks).equals(expected)).toBe(true);
  });

  it('refuses a version it does not write, naming the range', () => {
    expect(() => encodeProduceRequestFrame(9, 1, 'c', bodies['one partition']!)).toThrow(
      'Produce version 9 is outside the versions this encoder writes (0-8)',
    );
  });

  it('refuses a topic name longer than an int16 length, naming its size', () => {
    const body: ProduceRequestBody = {
      ...bodies['no topics']!,
      topicData: [{ name: 'x'.repeat(40000), partitionData: [] }],
    };
    expect(() => encodeProduceRequestFrame(8, 1, 'c', body)).toThrow(
      'a string of 40000 UTF-8 bytes does not fit an int16 length',
    );
  });
});
