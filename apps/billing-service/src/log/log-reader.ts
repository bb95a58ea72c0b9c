import type { ReplayedRecord, ReplayOptions, ReplayReport } from '@runnel/nestjs';

/** Reads partitions of a topic back from the log (see `replayTopic`); bound to a broker in the module's wiring. */
export interface LogReader {
  replay(
    topic: string,
    apply: (record: ReplayedRecord) => void,
    options?: ReplayOptions,
  ): Promise<ReplayReport>;
}
