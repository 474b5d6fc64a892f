import { Injectable, Module } from '@nestjs/common';
import { HandlesJob, JobContext, JobHandler, JobPayloads } from '@app/queue';
import { CampaignsService } from './campaigns.service';
import { VouchersModule } from './vouchers.module';
import { VouchersService } from './vouchers.service';

@Injectable()
@HandlesJob('vouchers.import')
export class VoucherImportProcessor implements JobHandler<'vouchers.import'> {
  constructor(private readonly vouchers: VouchersService) {}

  handle(p: JobPayloads['vouchers.import']): Promise<void> {
    return this.vouchers.runImport(p.projectId, p.asyncActionId, p.campaignId, p.rows);
  }
}

@Injectable()
@HandlesJob('campaign.vouchers.generate')
export class CampaignGenerationProcessor implements JobHandler<'campaign.vouchers.generate'> {
  constructor(private readonly campaigns: CampaignsService) {}

  handle(p: JobPayloads['campaign.vouchers.generate'], context: JobContext): Promise<void> {
    return this.campaigns.runGeneration(p, context.attempt);
  }
}

@Injectable()
@HandlesJob('campaign.delete')
export class CampaignDeleteProcessor implements JobHandler<'campaign.delete'> {
  constructor(private readonly campaigns: CampaignsService) {}

  handle(p: JobPayloads['campaign.delete']): Promise<void> {
    return this.campaigns.runDelete(p);
  }
}

/** The job processors of this module (listed in WORKER_MODULES). */
@Module({
  imports: [VouchersModule],
  providers: [VoucherImportProcessor, CampaignGenerationProcessor, CampaignDeleteProcessor],
})
export class VouchersJobsModule {}
