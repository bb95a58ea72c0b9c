#!/usr/bin/env node
// `npm start`: the broker, order-service, billing-service and the console in one terminal, with
// prefixed logs. Ctrl-C (SIGINT) or SIGTERM stops the services and the console, then the broker,
// and exits 0 when all stopped cleanly.
//
// Ports: RUNNEL_PORT (Kafka, 9092) and RUNNEL_HTTP_PORT (broker HTTP, 9644) as for runnel-broker,
// RUNNEL_ORDER_SERVICE_PORT (3000), RUNNEL_BILLING_SERVICE_PORT (3001), RUNNEL_CONSOLE_PORT
// (8080); --billing-instances N starts N billing instances on consecutive ports.
import { Stack, startStack } from './stack.mjs';

const argv = process.argv.slice(2);
const at = argv.indexOf('--billing-instances');
const billingInstances = at === -1 ? 1 : Number(argv[at + 1]);
if (!Number.isInteger(billingInstances) || billingInstances < 1 || billingInstances > 16) {
  process.stderr.write(`--billing-instances ${argv[at + 1]}: must be a whole number from 1 to 16\n`);
  process.exit(2);
}

const stack = new Stack();
let stopping;
function stop(reason, failed = false) {
  stopping ??= (async () => {
    process.stdout.write(
      `\n${reason}: stopping the console, order-service and billing-service, then the broker\n`,
    );
    const clean = await stack.stop();
    process.exit(clean && !failed ? 0 : 1);
  })();
}
// `on`, not `once`: npm passes the terminal's Ctrl-C on as well, and a second signal must not kill the supervisor mid-stop.
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

startStack({ billingInstances, withConsole: true }, stack).then(
  () => {
    if (stopping) return;
    for (const child of stack.children) {
      child.exited.then(({ code, signal }) => {
        if (!child.stopping) stop(`${child.name} exited (${code ?? signal})`, true);
      });
    }
    const orders = stack.ordersUrl;
    process.stdout.write(
      [
        '',
        'Runnel is up:',
        `  Kafka broker     ${stack.bootstrapServer}`,
        `  order-service    ${orders}   (POST /orders, POST /orders/:id/pay, POST /orders/:id/cancel, GET /orders/:id, GET /orders)`,
        ...stack.billingUrls.map(
          (url) => `  billing-service  ${url}   (GET /invoices/:orderId, GET /audit/stats, GET /health)`,
        ),
        `  console          ${stack.consoleUrl}   (topics, messages, consumer groups and their lag, in a browser)`,
        '',
        'Try:',
        `  curl -s -X POST ${orders}/orders -H 'content-type: application/json' \\`,
        `    -d '{"customerId":"c1","items":[{"sku":"tea","quantity":2,"unitPrice":3.5}]}'`,
        'or, in another terminal: npm run demo',
        'Ctrl-C stops them all.',
        '',
      ].join('\n'),
    );
  },
  (error) => {
    process.stderr.write(`npm start: ${error.message}\n`);
    if (!stopping) process.exit(1);
  },
);
