import { Global, Module } from '@nestjs/common';
import { registerFastifySetup } from '@app/core';
import { CodeGuessingThrottle } from './code-guessing.throttle';
import { MetricsController } from './metrics.controller';
import { OverloadMonitor } from './overload.monitor';
import { RateLimitPolicyModule } from './rate-limit-policy.module';
import { installRateLimitHooks } from './rate-limit.fastify';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitMetrics } from './rate-limit.metrics';
import { RateLimitService } from './rate-limit.service';
import { RateLimiter } from './rate-limiter';

registerFastifySetup(installRateLimitHooks);

/**
 * Rate limiting and overload protection for the HTTP app. The API module registers
 * RateLimitGuard as APP_GUARD after the AuthGuard; the early hooks install themselves through
 * registerFastifySetup. Other modules use CodeGuessingThrottle and RateLimitPolicyService.
 */
@Global()
@Module({
  imports: [RateLimitPolicyModule],
  controllers: [MetricsController],
  providers: [
    RateLimitMetrics,
    RateLimiter,
    OverloadMonitor,
    RateLimitService,
    RateLimitGuard,
    CodeGuessingThrottle,
  ],
  exports: [
    RateLimitPolicyModule,
    RateLimitService,
    RateLimitGuard,
    CodeGuessingThrottle,
    RateLimitMetrics,
  ],
})
export class RateLimitModule {}
