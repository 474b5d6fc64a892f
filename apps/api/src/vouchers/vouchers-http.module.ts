import { Module } from '@nestjs/common';
import { VouchersModule } from '@app/vouchers';
import { CampaignsController } from './campaigns.controller';
import { VouchersController } from './vouchers.controller';

/** HTTP routes of vouchers and campaigns. */
@Module({
  imports: [VouchersModule],
  controllers: [VouchersController, CampaignsController],
})
export class VouchersHttpModule {}
