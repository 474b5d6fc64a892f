import { ArgumentsHost, Catch, ExceptionFilter, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DatabaseLifecycle } from '../database/database.module';
import { rootLogger } from '../logging/logger';
import { sendError } from './error-response';

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Optional() private readonly database?: DatabaseLifecycle,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    // A database outage is the caller's 503 (retry later), never a 500.
    const unavailable = this.database?.unavailableError(exception);
    sendError(
      unavailable ?? exception,
      http.getRequest<FastifyRequest>(),
      http.getResponse<FastifyReply>(),
      rootLogger(),
      fastify,
    );
  }
}
