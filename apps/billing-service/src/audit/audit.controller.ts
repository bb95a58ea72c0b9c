import { Controller, Get } from '@nestjs/common';
import type { AuditService } from './audit.service.js';

/** `GET /audit/stats`: events seen per partition this instance owns in group `billing-audit`, and the ordering violations. */
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('stats')
  stats() {
    return this.audit.stats();
  }
}
