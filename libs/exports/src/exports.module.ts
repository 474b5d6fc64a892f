import { Module } from '@nestjs/common';
import { ExportsController } from './exports.controller';
import { ExportsProcessor } from './exports.processor';
import { ExportsRepository } from './exports.repository';
import { ExportsService } from './exports.service';

/** HTTP: /v1/exports and the download. */
@Module({
  controllers: [ExportsController],
  providers: [ExportsRepository, ExportsService],
})
export class ExportsModule {}

/** Worker: the `exports.run` job. */
@Module({
  providers: [ExportsRepository, ExportsService, ExportsProcessor],
})
export class ExportsJobsModule {}
