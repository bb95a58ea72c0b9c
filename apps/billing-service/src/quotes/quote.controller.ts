import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RunnelValidationPipe } from '@runnel/nestjs';
import { BILLING_QUOTE_PATTERN, type QuoteReply } from '../events.js';
// biome-ignore lint/style/useImportType: ValidationPipe reads the parameter's class from decorator metadata at runtime
import { QuoteRequestDto } from './dto/quote-request.dto.js';
import { quoteTotal } from './price-quote.js';

/**
 * `billing.quote`: `{ customerId, items }` -> `{ total }`, for any client of @runnel/nestjs or
 * NestJS's Transport.KAFKA. A request that fails validation gets an error reply naming each bad field.
 */
@Controller()
export class QuoteController {
  @MessagePattern(BILLING_QUOTE_PATTERN)
  quote(
    @Payload(new RunnelValidationPipe({ whitelist: true, forbidNonWhitelisted: true }))
    request: QuoteRequestDto,
  ): QuoteReply {
    return { total: quoteTotal(request.items) };
  }
}
