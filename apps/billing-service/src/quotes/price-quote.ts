import type { OrderItem } from '../events.js';

/**
 * The price of a basket: the sum of quantity x unit price, computed in whole cents so that
 * 0.1 + 0.2 is 0.30 and not 0.30000000000000004. Unit prices have at most two decimals
 * (QuoteRequestDto and order-service's DTO check that), so each converts to cents exactly.
 */
export function quoteTotal(items: readonly OrderItem[]): number {
  const cents = items.reduce(
    (sum, { quantity, unitPrice }) => sum + quantity * Math.round(unitPrice * 100),
    0,
  );
  return cents / 100;
}
