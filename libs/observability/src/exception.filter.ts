import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { toErrorResponse } from './error-response';

/** The global filter: shapes every error as `{ "detail": … }` and logs what was unexpected. */
@Catch()
export class DetailExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, headers } = toErrorResponse(exception);
    // A dependency that is away (503) or did not answer in time (504) is news, not a bug.
    if (status === 503 || status === 504)
      this.logger.warn(exception instanceof Error ? exception.message : String(exception));
    else if (status >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (reply.sent) return;
    void reply.status(status).headers(headers).send(body);
  }
}
