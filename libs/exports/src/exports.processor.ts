import { Injectable } from '@nestjs/common';
import { HandlesJob, JobHandler, JobPayloads } from '@app/queue';
import { ExportsService } from './exports.service';

@Injectable()
@HandlesJob('exports.run')
export class ExportsProcessor implements JobHandler<'exports.run'> {
  constructor(private readonly exports: ExportsService) {}

  handle(payload: JobPayloads['exports.run']): Promise<void> {
    return this.exports.run(payload.projectId, payload.exportId);
  }
}
