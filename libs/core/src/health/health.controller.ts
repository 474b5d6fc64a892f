import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../http/public.decorator';
import { HealthService } from './health.service';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness: answered from memory; depends on nothing shared, so it can never cascade restarts. */
  @Get('live')
  live() {
    return { status: 'ok', uptime_s: Math.round(process.uptime()) };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const { ready, checks } = await this.health.readiness();
    reply.code(ready ? 200 : 503);
    if (!ready) reply.header('Retry-After', '1');
    return { status: ready ? 'ready' : 'not_ready', checks };
  }
}
