import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { noteFailure } from '../telemetry/prediction-context';
import { toErrorResponse } from './error-response';

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const response = toErrorResponse(exception, request.id);
    // A prediction that failed after routing: telemetry counts it against its version.
    noteFailure(request, exception);
    if (response.internal) {
      this.logger.error(`${request.method} ${request.url} failed (request ${request.id})`, (response.internal as Error)?.stack ?? String(response.internal));
    }
    if (response.status === 401) void reply.header('WWW-Authenticate', 'Bearer realm="modelgate"');
    if (response.headers) void reply.headers(response.headers);
    void reply.status(response.status).send(response.body);
  }
}
