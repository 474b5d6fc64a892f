import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig, Errors, Public } from '@app/core';
import { METRICS_ROUTE, RateLimitService } from './rate-limit.service';
import { RateLimitMetrics } from './rate-limit.metrics';

/**
 * Prometheus scrape endpoint: public (no API key), limited per IP like other anonymous routes,
 * never shed (METRICS_ROUTE).
 */
@ApiExcludeController()
@Public()
@Controller(METRICS_ROUTE)
export class MetricsController {
  constructor(
    private readonly metrics: RateLimitMetrics,
    private readonly service: RateLimitService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    if (!this.config.env.METRICS_ENABLED) throw Errors.routeNotFound('GET', METRICS_ROUTE);
    this.service.refreshGauges();
    reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
