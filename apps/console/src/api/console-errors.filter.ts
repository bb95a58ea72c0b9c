import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import { errorAnswer } from '../console-errors.js';
import { errorPage } from '../pages/layout.js';

interface Request {
  readonly url: string;
}
interface Response {
  status(code: number): Response;
  json(body: unknown): void;
  type(type: string): Response;
  send(body: string): void;
}

/**
 * Every error as an answer: JSON `{ statusCode, error, message }` under /api, a page with the
 * message elsewhere, never a blank page. NestJS's own (validation 400s, unknown routes) keep theirs.
 */
@Catch()
export class ConsoleErrorsFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    let status: number;
    let body: { statusCode: number; error: string; message: string | string[] };
    if (error instanceof HttpException) {
      status = error.getStatus();
      const answer = error.getResponse();
      const message =
        typeof answer === 'object' && answer !== null && 'message' in answer
          ? (answer as { message: string | string[] }).message
          : error.message;
      body = { statusCode: status, error: error.name, message };
    } else {
      const answer = errorAnswer(error);
      status = answer.status;
      body = { statusCode: status, error: answer.error, message: answer.message };
    }
    if (request.url.startsWith('/api/')) response.status(status).json(body);
    else {
      const text = Array.isArray(body.message) ? body.message.join('; ') : body.message;
      response.status(status).type('html').send(errorPage(status, text));
    }
  }
}
