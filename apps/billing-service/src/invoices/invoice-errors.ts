/**
 * An order event that billing cannot apply to the order's invoice: a pay or cancel with no
 * invoice (the order's events were seen out of order or one was lost), a pay of a voided invoice,
 * a cancel of a captured one. Not retriable: the handler's transport sends it to the dead-letter topic.
 */
export class InvoiceStateError extends Error {
  override readonly name = 'InvoiceStateError';
  readonly retriable = false;
  constructor(
    readonly orderId: string,
    readonly eventType: string,
    readonly invoiceStatus: string,
  ) {
    super(`order '${orderId}': ${eventType} cannot apply to an invoice that is ${invoiceStatus}`);
  }
}
