import { quoteTotal } from './price-quote.js';

describe('quoteTotal', () => {
  it('sums quantity x unit price in whole cents', () => {
    expect(
      quoteTotal([
        { sku: 'a', quantity: 1, unitPrice: 0.1 },
        { sku: 'b', quantity: 1, unitPrice: 0.2 },
      ]),
    ).toBe(0.3);
    expect(quoteTotal([{ sku: 'tea', quantity: 3, unitPrice: 19.99 }])).toBe(59.97);
  });

  it('is 0 for free items', () => {
    expect(quoteTotal([{ sku: 'sample', quantity: 5, unitPrice: 0 }])).toBe(0);
  });
});
