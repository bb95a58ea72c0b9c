import type { OrderStatus } from './order-status.js';

/** No order has this id (HTTP 404). */
export class OrderNotFoundError extends Error {
  override readonly name = 'OrderNotFoundError';
  constructor(readonly orderId: string) {
    super(`order '${orderId}' does not exist`);
  }
}

/** The order's status does not allow the action (HTTP 409). */
export class TransitionNotAllowedError extends Error {
  override readonly name = 'TransitionNotAllowedError';
  constructor(
    readonly orderId: string,
    readonly action: 'pay' | 'cancel',
    readonly status: OrderStatus,
    readonly allowedFrom: readonly OrderStatus[],
  ) {
    super(
      `order '${orderId}' cannot ${action}: its status is '${status}', and ${action} is allowed only from ${allowedFrom
        .map((s) => `'${s}'`)
        .join(' or ')}`,
    );
  }
}
