import { once } from 'node:events';
import { runCli } from './run-cli.js';

/** How long a command may take to wind down after Ctrl-C (a consumer commits and leaves its group). */
const SIGINT_GRACE_MS = 5000;

// The first SIGINT asks the command to stop (consume --follow, produce, perf end cleanly and
// report); a second one, or the grace period running out, ends the process at once.
const interrupted = once(process, 'SIGINT').then(() => {
  process.once('SIGINT', () => process.exit(130));
  setTimeout(() => process.exit(130), SIGINT_GRACE_MS).unref();
});
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  // `runnel consume ... | head`: the reader went away, which ends the command, not an error.
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stderrIsTTY: process.stderr.isTTY === true,
  interrupted: interrupted.then(() => undefined),
});
process.exitCode = code;
// Sockets and timers of a client that failed mid-connect may linger; the answer is already given.
setImmediate(() => process.exit(code));
