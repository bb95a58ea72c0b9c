import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import { OrderNotFoundError, TransitionNotAllowedError } from './order-errors.js';
import { QuoteUnavailableError } from './quote-unavailable.error.js';

const STATUS = new Map<string, HttpStatus>([
  [OrderNotFoundError.name, HttpStatus.NOT_FOUND],
  [TransitionNotAllowedError.name, HttpStatus.CONFLICT],
  [QuoteUnavailableError.name, HttpStatus.SERVICE_UNAVAILABLE],
]);

/** What the filter needs of express's response. */
interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

/** The order errors as HTTP answers: 404, 409, 503, with the error's message. */
@Catch(OrderNotFoundError, TransitionNotAllowedError, QuoteUnavailableError)
export class OrderErrorsFilter implements ExceptionFilter {
  catch(
    error: OrderNotFoundError | TransitionNotAllowedError | QuoteUnavailableError,
    host: ArgumentsHost,
  ): void {
    const statusCode = STATUS.get(error.name) ?? HttpStatus.INTERNAL_SERVER_ERROR;
    host
      .switchToHttp()
      .getResponse<JsonResponse>()
      .status(statusCode)
      .json({ statusCode, error: error.name, message: error.message });
  }
}
