import { Controller, Get } from '@nestjs/common';
import type { AuditService } from '../audit/audit.service.js';
import { AUDIT_GROUP, BILLING_GROUP } from '../events.js';
import type { InvoicesService } from '../invoices/invoices.service.js';

/** `GET /health`: up, and per group the `orders` partitions this instance owns and the events it has seen in them. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly invoices: InvoicesService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  health() {
    const { assigned, eventsSeen, orderingViolations } = this.audit.stats();
    return {
      status: 'ok',
      service: 'billing-service',
      groups: {
        [BILLING_GROUP]: this.invoices.stats(),
        [AUDIT_GROUP]: { partitions: assigned, eventsSeen, orderingViolations },
      },
    };
  }
}
