import type { Writable } from 'node:stream';
import { formatProgressBar, formatProgressLine } from './perf-summary.js';

/**
 * Progress of a perf run on stderr: a bar redrawn in place on a terminal (5 times a second), plain
 * lines every `intervalMs` otherwise (a log file or CI keeps one line per interval, as Kafka's perf
 * tools print). Counts come from the run through `add`; `stop` ends the bar's line.
 */
export class Progress {
  private records = 0;
  private windowStart: number;
  private windowRecords = 0;
  private windowBytes = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly out: Writable,
    private readonly isTTY: boolean,
    private readonly total: number,
    intervalMs: number,
  ) {
    this.windowStart = performance.now();
    this.timer = setInterval(() => this.report(), isTTY ? 200 : intervalMs);
    this.timer.unref();
  }

  add(records: number, bytes: number): void {
    this.records += records;
    this.windowRecords += records;
    this.windowBytes += bytes;
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.isTTY) {
      this.report();
      this.out.write('\n');
    }
  }

  private report(): void {
    const now = performance.now();
    const windowMs = now - this.windowStart;
    if (this.isTTY) {
      this.out.write(
        formatProgressBar(this.records, this.total, (this.windowRecords / Math.max(windowMs, 1)) * 1000),
      );
    } else {
      this.out.write(formatProgressLine(this.records, this.windowRecords, this.windowBytes, windowMs));
    }
    if (!this.isTTY || windowMs > 2000) {
      this.windowStart = now;
      this.windowRecords = 0;
      this.windowBytes = 0;
    }
  }
}
