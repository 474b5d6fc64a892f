import { Module } from '@nestjs/common';
import { ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';
import { RedemptionRollupSubscriber } from './reports.subscriber';

/** `GET /v1/campaigns/:id/summary` and `/v1/reports/*`, read from the rollups. */
@Module({
  controllers: [ReportsController],
  providers: [ReportsRepository, ReportsService],
})
export class ReportsModule {}

/** The rollup maintainer, for every process running the worker role. */
@Module({
  providers: [ReportsRepository, RedemptionRollupSubscriber],
})
export class ReportsWorkerModule {}
