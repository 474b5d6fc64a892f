import { Module } from '@nestjs/common';
import { RateLimitPolicyService } from './rate-limit-policy.service';
import { RateLimitRepository } from './rate-limit.repository';

/** Plans and per-project overrides only (what the operator CLI needs). */
@Module({
  providers: [RateLimitRepository, RateLimitPolicyService],
  exports: [RateLimitPolicyService],
})
export class RateLimitPolicyModule {}
