import { Controller, Get, Inject } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { AUDIT_GROUP, BILLING_GROUP } from '../events.js';
import { InvoicesService } from '../invoices/invoices.service.js';

/** `GET /health`: up, and per group the `orders` partitions this instance owns and the events it has seen in them. */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(InvoicesService) private readonly invoices: InvoicesService,
    @Inject(AuditService) private readonly audit: AuditService,
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
