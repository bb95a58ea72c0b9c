// The demo's scenario, over HTTP only: place orders concurrently, pay or cancel them at random,
// then wait (polling, with a deadline) until every order reached the state its actions lead to.

/** A small seeded generator (mulberry32), so that a run can be repeated with --seed. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Where each action leads: paid orders settle, cancelled ones stay cancelled, the rest are invoiced. */
export const EXPECTED_STATE = { pay: 'settled', cancel: 'cancelled', none: 'invoiced' };
export const STATES = ['created', 'invoiced', 'paid', 'settled', 'cancelled'];

/** Polls `probe` until it returns a value other than undefined; throws `message()` after `deadlineMs`. */
export async function waitFor(probe, deadlineMs, message, everyMs = 200) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    let value;
    try {
      value = await probe();
    } catch {
      value = undefined;
    }
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(typeof message === 'function' ? message() : message);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

async function request(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/**
 * Places one order; a 503 (billing gave no quote: it is restarting, say) created nothing, so it
 * is tried again, for up to `retryForMs`. Resolves with the order's id.
 */
async function place(ordersUrl, body, retryForMs, stats) {
  const deadline = Date.now() + retryForMs;
  for (;;) {
    let answer;
    try {
      answer = await request('POST', `${ordersUrl}/orders`, body);
    } catch (error) {
      answer = { status: 0, body: { message: error.message } };
    }
    if (answer.status === 201) return answer.body.id;
    if ((answer.status !== 503 && answer.status !== 0) || Date.now() > deadline) {
      throw new Error(`POST /orders answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    stats.retries += 1;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Places `count` orders, `concurrency` at a time; right after (or after a short random wait, so
 * that some pays come before the invoice and some after) each is paid (half of them), cancelled
 * (a quarter) or left alone. Resolves with each order's id and action.
 */
export async function placeOrders({ ordersUrl, count, concurrency = 50, random, retryForMs = 120_000 }) {
  const stats = { retries: 0, refused: 0 };
  const orders = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const roll = random();
      const action = roll < 0.5 ? 'pay' : roll < 0.75 ? 'cancel' : 'none';
      const wait = Math.floor(random() * 50);
      const items = [{ sku: `sku-${index % 7}`, quantity: 1 + (index % 3), unitPrice: 4.25 }];
      const id = await place(ordersUrl, { customerId: `customer-${index % 20}`, items }, retryForMs, stats);
      if (action !== 'none') {
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const { status, body } = await request('POST', `${ordersUrl}/orders/${id}/${action}`);
        if (status !== 200) {
          stats.refused += 1;
          throw new Error(`POST /orders/${id}/${action} answered ${status}: ${JSON.stringify(body)}`);
        }
      }
      orders.push({ id, action });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { orders, ...stats };
}

/** Waits until every order is in the state its action leads to; resolves with the count per state. */
export async function awaitEndState({ ordersUrl, orders, deadlineMs }) {
  const wanted = new Map(orders.map(({ id, action }) => [id, EXPECTED_STATE[action]]));
  let counts;
  let waiting;
  await waitFor(
    async () => {
      const { body } = await request('GET', `${ordersUrl}/orders`);
      counts = Object.fromEntries(STATES.map((s) => [s, 0]));
      waiting = 0;
      for (const order of body) {
        const expected = wanted.get(order.id);
        if (expected === undefined) continue;
        counts[order.status] += 1;
        if (order.status !== expected) waiting += 1;
      }
      return waiting === 0 ? counts : undefined;
    },
    deadlineMs,
    () =>
      `after ${deadlineMs} ms, ${waiting} orders are not yet in their end state: ${JSON.stringify(counts)}`,
  );
  return counts;
}

export async function getJson(url) {
  return (await request('GET', url)).body;
}
