/** Injection tokens of billing-service's module. */
export const INVOICE_LEDGER = Symbol('INVOICE_LEDGER');
export const BILLING_SERVICE_CONFIG = Symbol('BILLING_SERVICE_CONFIG');
/** The ClientRunnel that writes topic `billing`. */
export const BROKER_CLIENT = Symbol('BROKER_CLIENT');
/** A LogReader: reads partitions of a topic back from the log. */
export const LOG_READER = Symbol('LOG_READER');
/** The GroupMembership fed by the transport's rebalance news. */
export const GROUP_MEMBERSHIP = Symbol('GROUP_MEMBERSHIP');
/** Per partition of `billing`, the next offset the startup replay left to read. */
export const BILLING_POSITIONS = Symbol('BILLING_POSITIONS');
