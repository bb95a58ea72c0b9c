import { once } from 'node:events';
import { runCli } from './run-cli.js';

// The bin: the process's streams, SIGINT as the request to stop (a second one kills at once).
const interrupted = once(process, 'SIGINT').then(() => {
  process.once('SIGINT', () => process.exit(130));
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
