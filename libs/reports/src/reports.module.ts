import { Module } from '@nestjs/common';
import { RateLimitAdminController } from './rate-limit-admin.controller';
import { RateLimitAdminService } from './rate-limit-admin.service';
import { ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';
import { RedemptionRollupSubscriber } from './reports.subscriber';

/**
 * `GET /v1/campaigns/:id/summary` and `/v1/reports/*`, read from the rollups; and the operators'
 * rate-limit routes under /management/v1 (management keys only: the AuthGuard decides by path).
 */
@Module({
  controllers: [ReportsController, RateLimitAdminController],
  providers: [ReportsRepository, ReportsService, RateLimitAdminService],
})
export class ReportsModule {}

/** The rollup maintainer, for every process running the worker role. */
@Module({
  providers: [ReportsRepository, RedemptionRollupSubscriber],
})
export class ReportsWorkerModule {}
