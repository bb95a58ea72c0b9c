// The demo stack: a broker, order-service, one or more billing-service instances and (for
// `npm start`) the console, each a child process whose output lines are prefixed with its name.
// Used by `npm start` (start.mjs) and by `npm run demo` when nothing listens yet (demo.mjs).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

const ENTRY = {
  broker: join(ROOT, 'apps/broker/dist/main.js'),
  orders: join(ROOT, 'apps/order-service/dist/main.js'),
  billing: join(ROOT, 'apps/billing-service/dist/main.js'),
  console: join(ROOT, 'apps/console/dist/main.js'),
};

/** How long a child may take to say it is ready, and to exit after SIGTERM before it is killed. */
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

/**
 * A child process whose stdout and stderr lines go to ours, each prefixed with `[name]`.
 * `ready` resolves with the first match of `readyLine` in its stdout; it rejects when the
 * child exits first or takes longer than READY_TIMEOUT_MS.
 */
export class Child {
  constructor(
    name,
    args,
    { env = process.env, readyLine, width = 12, out = process.stdout, err = process.stderr },
  ) {
    this.name = name;
    this.stopping = false;
    // A process group of its own: Ctrl-C in the terminal reaches only npm and the supervisor, which
    // then stops the services before the broker, instead of everything stopping at once.
    this.process = spawn(process.execPath, args, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    // Should the supervisor itself die, its children must not outlive it.
    const orphanGuard = () => this.process.kill('SIGKILL');
    process.on('exit', orphanGuard);
    this.exited = once(this.process, 'exit').then(([code, signal]) => {
      process.off('exit', orphanGuard);
      return { code, signal };
    });
    const prefix = `[${name}]`.padEnd(width);
    let onReady;
    this.ready = new Promise((resolve, reject) => {
      onReady = resolve;
      const timer = setTimeout(
        () => reject(new Error(`${name} did not say it was ready within ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      );
      timer.unref();
      this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code ?? signal}) before it was ready`));
      });
    });
    this.ready.catch(() => undefined);
    let matched = false;
    createInterface({ input: this.process.stdout }).on('line', (line) => {
      out.write(`${prefix}${line}\n`);
      const match = matched ? null : readyLine.exec(line);
      if (match) {
        matched = true;
        onReady(match);
      }
    });
    createInterface({ input: this.process.stderr }).on('line', (line) => err.write(`${prefix}${line}\n`));
  }

  get pid() {
    return this.process.pid;
  }

  /** SIGTERM, then SIGKILL after STOP_TIMEOUT_MS; resolves with how it exited. */
  async stop(signal = 'SIGTERM') {
    this.stopping = true;
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}

/**
 * Starts the broker (its own flags and RUNNEL_* variables apply, as with `runnel-broker`), waits
 * for it, then order-service and `billingInstances` billing-service instances against it.
 * Billing instance i listens on `billingPort + i` (all on any free port when billingPort is 0).
 * With `withConsole`, the web console too, on `consolePort`. Resolves once every one said it is
 * ready. `stack` may be made by the caller first, so that a signal during the start can stop what
 * has been started (`stack.stop()`: nothing more starts).
 */
export async function startStack(
  {
    billingInstances = 1,
    env = process.env,
    ordersPort = env.RUNNEL_ORDER_SERVICE_PORT ?? '3000',
    billingPort = env.RUNNEL_BILLING_SERVICE_PORT ?? '3001',
    withConsole = false,
    consolePort = env.RUNNEL_CONSOLE_PORT ?? '8080',
    out,
    err,
  } = {},
  stack = new Stack(),
) {
  try {
    const broker = stack.add(
      new Child('broker', [ENTRY.broker], { env, readyLine: /listening on ([^\s,]+)/, out, err }),
    );
    const [, bootstrapServer] = await broker.ready;
    stack.bootstrapServer = bootstrapServer;
    const common = ['--bootstrap-server', bootstrapServer];
    const serviceLine = /listening on (http:\/\/\S+)/;
    const orders = stack.add(
      new Child('orders', [ENTRY.orders, '--port', `${ordersPort}`, ...common], {
        env,
        readyLine: serviceLine,
        out,
        err,
      }),
    );
    const billing = [];
    for (let i = 0; i < billingInstances; i++)
      billing.push(
        stack.addBilling(Number(billingPort) === 0 ? 0 : Number(billingPort) + i, { env, out, err }),
      );
    const consoleApp = withConsole
      ? stack.add(
          new Child('console', [ENTRY.console, '--port', `${consolePort}`, ...common], {
            env,
            readyLine: serviceLine,
            out,
            err,
          }),
        )
      : undefined;
    stack.ordersUrl = (await orders.ready)[1];
    await Promise.all(billing.map((b) => b.ready));
    if (consoleApp) stack.consoleUrl = (await consoleApp.ready)[1];
    return stack;
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

export class Stack {
  constructor() {
    this.children = [];
    this.billingUrls = [];
    this.bootstrapServer = undefined;
    this.ordersUrl = undefined;
    this.consoleUrl = undefined;
    this.stopping = undefined;
  }

  add(child) {
    this.children.push(child);
    // Started after stop() began (a signal during the start): stopped at once.
    if (this.stopping) void child.stop();
    return child;
  }

  /** Starts one more billing-service instance; `ready` resolves once it listens (its URL is then in billingUrls). */
  addBilling(port, { env = process.env, out, err } = {}) {
    const count = this.children.filter((c) => c.name.startsWith('billing')).length;
    const name = count === 0 ? 'billing' : `billing-${count + 1}`;
    const child = this.add(
      new Child(name, [ENTRY.billing, '--port', `${port}`, '--bootstrap-server', this.bootstrapServer], {
        env,
        readyLine: /listening on (http:\/\/\S+)/,
        out,
        err,
      }),
    );
    child.ready.then(([, url]) => this.billingUrls.push(url)).catch(() => undefined);
    return child;
  }

  /**
   * Stops the services first (they finish their handlers, commit and leave their groups), then the
   * broker. Resolves true when each exited 0, or by the SIGTERM it was sent before it could
   * handle one (a child still loading its code).
   */
  stop() {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  async stopAll() {
    const clean = ({ code, signal }) => code === 0 || signal === 'SIGTERM';
    const services = this.children.filter((c) => c.name !== 'broker');
    const results = await Promise.all(services.map((c) => c.stop()));
    const broker = this.children.find((c) => c.name === 'broker');
    if (broker) results.push(await broker.stop());
    return results.every(clean);
  }
}
