import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { RunnelContext } from '@runnel/nestjs';
import { AUDIT_GROUP, ORDERS_TOPIC } from '../events.js';
import { orderEvent } from '../invoices/order-events.controller.js';
import { AuditService } from './audit.service.js';

/** Topic `orders` in group `billing-audit`: independent of billing, at its own offsets. */
@Controller()
export class AuditEventsController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @EventPattern<string>(ORDERS_TOPIC, { group: AUDIT_GROUP })
  record(@Payload() event: unknown, @Ctx() context: RunnelContext): Promise<void> {
    return this.audit.record(orderEvent(event), context.getPartition(), context.getOffset());
  }
}
