import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import type { Invoice } from './invoice-ledger.js';
import { InvoicesService } from './invoices.service.js';

/** `GET /invoices/:orderId` -> `{ orderId, amount, status }` (issued, captured, voided); 404 when none is known. */
@Controller('invoices')
export class InvoicesController {
  constructor(@Inject(InvoicesService) private readonly invoices: InvoicesService) {}

  @Get(':orderId')
  invoice(@Param('orderId') orderId: string): Invoice {
    const invoice = this.invoices.invoice(orderId);
    if (!invoice) throw new NotFoundException(`no invoice for order '${orderId}'`);
    return invoice;
  }
}
