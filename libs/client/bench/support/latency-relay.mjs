// The latency bench's floor: a relay with no Kafka in it, run in its own process as the broker is.
// It listens on 127.0.0.1 (port 0) and prints `relay listening on <port>`. Each connection's
// first byte names it: `P` the producer's, `C` the consumer's (answered with `C` once taken).
// The consumer pulls, as a Kafka consumer does: each byte it sends is a fetch, answered with all
// the producer's chunks that arrived since the last answer, at once if there are any, else as
// soon as one arrives (a long poll). Each chunk from the producer is answered with 4 bytes, its
// acknowledgement. So a record takes the broker's trip (producer -> relay -> consumer's socket,
// an answer on the first, the consumer's next fetch) through the same two processes, sockets and
// wake-ups, and the relay does nothing else.
import { createServer } from 'node:net';

const ACK = Buffer.from([0, 0, 0, 1]);
let consumer;
let fetchWaiting = false;
let pending = [];

function produced(chunk) {
  if (fetchWaiting && consumer !== undefined) {
    fetchWaiting = false;
    consumer.write(chunk);
  } else {
    pending.push(chunk);
  }
}

function fetched() {
  if (pending.length === 0) {
    fetchWaiting = true;
    return;
  }
  consumer.write(pending.length === 1 ? pending[0] : Buffer.concat(pending));
  pending = [];
}

const server = createServer({ noDelay: true }, (socket) => {
  socket.on('error', () => undefined);
  let role;
  socket.on('data', (chunk) => {
    if (role === undefined) {
      role = String.fromCharCode(chunk[0]);
      if (role === 'C') {
        consumer = socket;
        socket.write('C');
      }
      chunk = chunk.subarray(1);
      if (chunk.length === 0) return;
    }
    if (role === 'C') {
      fetched();
    } else if (role === 'P') {
      produced(chunk);
      socket.write(ACK);
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`relay listening on ${server.address().port}\n`);
});
process.once('SIGTERM', () => process.exit(0));
