import type { Readable, Writable } from 'node:stream';

/**
 * Where a command reads and writes: the process's streams in the bin, in-memory streams in specs.
 * `stderrIsTTY` decides between a progress bar and plain progress lines (perf writes its progress to stderr).
 */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stderrIsTTY: boolean;
  /** Resolves when the user asks the command to stop (SIGINT in the bin); `--follow` and perf wait on it. */
  readonly interrupted: Promise<void>;
}

/** Writes `text`, waiting for the stream to drain when its buffer is full (a slow pipe reader). */
export async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) {
    await new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        stream.off('error', onError);
        resolve();
      };
      const onError = (err: Error): void => {
        stream.off('drain', onDrain);
        reject(err);
      };
      stream.once('drain', onDrain);
      stream.once('error', onError);
    });
  }
}
