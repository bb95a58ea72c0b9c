/** Injection tokens of order-service's module. */
export const ORDER_BOOK = Symbol('ORDER_BOOK');
export const ORDER_SERVICE_CONFIG = Symbol('ORDER_SERVICE_CONFIG');
/** The ClientRunnel that writes `orders` and asks `billing.quote`. */
export const BROKER_CLIENT = Symbol('BROKER_CLIENT');
