import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Peer } from './peer.js';
import { timed } from './throughput.js';

/** Bytes per write: log-store's bench compares its 16 KiB appends with the same loop. */
export const RAW_WRITE_BYTES = 16 * 1024;

/**
 * The floor: the workload's bytes appended to a file in the same temp directory as the brokers'
 * data, RAW_WRITE_BYTES per `writeSync`, no fsync, no framing: what any system here would cost
 * if it did nothing but write the bytes. Produce only; it has no consumer and no latency.
 */
export const rawDiskPeer: Peer = {
  id: 'raw_disk',
  system: 'raw disk append loop',
  label: 'raw disk (floor)',
  client: `fs.writeSync of ${RAW_WRITE_BYTES / 1024} KiB`,
  durability: 'page cache, no fsync',
  missing: () => undefined,
  async run({ workload, dataDir }) {
    const fd = openSync(join(dataDir, 'raw.log'), 'a');
    try {
      const { bytes } = workload;
      const produce = await timed(workload.records, async () => {
        for (let at = 0; at < bytes.length; at += RAW_WRITE_BYTES) {
          const chunk = bytes.subarray(at, Math.min(bytes.length, at + RAW_WRITE_BYTES));
          let written = 0;
          while (written < chunk.length) written += writeSync(fd, chunk, written);
        }
      });
      return { produce };
    } finally {
      closeSync(fd);
    }
  },
};
