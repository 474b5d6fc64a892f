import { Controller, Get, HttpCode, Module, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Errors } from '@app/core';
import { CodeGuessingThrottle, RateLimit } from '@app/rate-limit';
import { Auth, AuthContext } from '@app/tenancy';

/** Test-only routes, one per route class, to exercise the limiter (never part of the product). */
@Controller()
class RateLimitProbeController {
  constructor(private readonly codeGuessing: CodeGuessingThrottle) {}

  @Get('v1/rl-probe/read')
  read(@Auth() auth: AuthContext) {
    return { ok: true, project_id: auth.projectId };
  }

  @Post('v1/rl-probe/write')
  write() {
    return { ok: true };
  }

  @RateLimit({ class: 'critical' })
  @Post('v1/rl-probe/critical')
  critical() {
    return { ok: true };
  }

  @RateLimit({ class: 'bulk', cost: 2 })
  @HttpCode(202)
  @Post('v1/rl-probe/bulk')
  bulk() {
    return { ok: true };
  }

  @Get('v1/rl-probe/slow')
  async slow(@Query('ms') ms = '300') {
    await new Promise((resolve) => setTimeout(resolve, Number(ms)));
    return { ok: true };
  }

  @RateLimit({ class: 'critical' })
  @Get('v1/rl-probe/slow-critical')
  async slowCritical(@Query('ms') ms = '300') {
    await new Promise((resolve) => setTimeout(resolve, Number(ms)));
    return { ok: true };
  }

  /** A lookup by code the way the vouchers engine will do it: guessing is throttled. */
  @RateLimit({ class: 'critical' })
  @Get('v1/rl-probe/codes/:code')
  async code(
    @Param('code') code: string,
    @Auth() auth: AuthContext,
    @Req() request: FastifyRequest,
  ) {
    await this.codeGuessing.check(auth.projectId, request.ip);
    if (code !== 'KNOWN') {
      await this.codeGuessing.recordMiss(auth.projectId, request.ip);
      throw Errors.notFound('voucher', code);
    }
    return { code };
  }

  @Get('client/v1/rl-probe')
  client(@Auth() auth: AuthContext) {
    return { ok: true, channel: auth.channel };
  }
}

@Module({ controllers: [RateLimitProbeController] })
export class RateLimitProbeModule {}
