import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';

/** Every record of every row is this long: the "one 100-byte workload". */
export const RECORD_BYTES = 100;
/** A record starts with its sequence number in this many ASCII digits, so a receiver can tell which it got. */
export const SEQUENCE_DIGITS = 10;

const FILLER_BYTES = RECORD_BYTES - SEQUENCE_DIGITS;

/**
 * The records every row produces, as one buffer of `records` x RECORD_BYTES bytes: record i is
 * its sequence number (SEQUENCE_DIGITS zero-padded digits) and 90 random base64url characters.
 * Printable with no newline, so the same bytes go through kcat's line-oriented producer, Redis
 * and NATS unchanged; random, so nothing downstream gets an easy ride from repetition.
 */
export class Workload {
  readonly bytes: Buffer;

  constructor(readonly records: number) {
    this.bytes = Buffer.allocUnsafe(records * RECORD_BYTES);
    const filler = randomBytes(Math.ceil((records * FILLER_BYTES * 3) / 4) + 3).toString('base64url');
    for (let i = 0; i < records; i++) {
      const at = i * RECORD_BYTES;
      this.bytes.write(sequenceText(i), at, 'latin1');
      this.bytes.write(
        filler.slice(i * FILLER_BYTES, (i + 1) * FILLER_BYTES),
        at + SEQUENCE_DIGITS,
        'latin1',
      );
    }
  }

  /** Record `i`, a view of `bytes`. */
  record(i: number): Buffer {
    return this.bytes.subarray(i * RECORD_BYTES, (i + 1) * RECORD_BYTES);
  }

  /** Writes the records one a line (the newline is kcat's delimiter, not part of the record). */
  writeLines(path: string): void {
    const lines = Buffer.allocUnsafe(this.records * (RECORD_BYTES + 1));
    for (let i = 0; i < this.records; i++) {
      this.bytes.copy(lines, i * (RECORD_BYTES + 1), i * RECORD_BYTES, (i + 1) * RECORD_BYTES);
      lines[i * (RECORD_BYTES + 1) + RECORD_BYTES] = 0x0a;
    }
    writeFileSync(path, lines);
  }
}

function sequenceText(seq: number): string {
  return String(seq).padStart(SEQUENCE_DIGITS, '0');
}

/** A record of the latency phase: sequence number `seq`, then a fixed filler. */
export function latencyRecord(seq: number): Buffer {
  return Buffer.from(sequenceText(seq).padEnd(RECORD_BYTES, 'x'), 'latin1');
}

/** The sequence number a record starts with; NaN when it does not start with SEQUENCE_DIGITS digits. */
export function sequenceOf(record: Uint8Array | string): number {
  const head =
    typeof record === 'string'
      ? record.slice(0, SEQUENCE_DIGITS)
      : Buffer.from(record.buffer, record.byteOffset, Math.min(record.length, SEQUENCE_DIGITS)).toString(
          'latin1',
        );
  return /^\d{10}$/.test(head) ? Number(head) : Number.NaN;
}
