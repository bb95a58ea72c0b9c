import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The system interpreter, where kafka-python and confluent-kafka-python are installed. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** Runs kcat (librdkafka) with `args` and returns its stdout; fails if it runs past `timeoutMs`. */
export async function kcat(args: readonly string[], timeoutMs = 15_000): Promise<string> {
  const { stdout } = await run('kcat', [...args], { timeout: timeoutMs, killSignal: 'SIGKILL' });
  return stdout;
}

/**
 * Runs a Python program with the system interpreter and returns its stdout; `args` reach it as
 * sys.argv[1:]. Fails if it runs past `timeoutMs`.
 */
export async function python(program: string, args: readonly string[], timeoutMs = 20_000): Promise<string> {
  const { stdout } = await run(SYSTEM_PYTHON, ['-c', program, ...args], {
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  return stdout;
}

/** Runs a Python script file with the system interpreter, like {@link python}. */
export async function pythonFile(path: string, args: readonly string[], timeoutMs = 30_000): Promise<string> {
  const { stdout } = await run(SYSTEM_PYTHON, [path, ...args], { timeout: timeoutMs, killSignal: 'SIGKILL' });
  return stdout;
}
