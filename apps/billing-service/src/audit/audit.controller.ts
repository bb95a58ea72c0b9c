import { Controller, Get, Inject } from '@nestjs/common';
import { AuditService } from './audit.service.js';

/** `GET /audit/stats`: events seen per partition this instance owns in group `billing-audit`, and the ordering violations. */
@Controller('audit')
export class AuditController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @Get('stats')
  stats() {
    return this.audit.stats();
  }
}
