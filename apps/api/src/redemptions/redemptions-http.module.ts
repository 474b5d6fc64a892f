import { Module } from '@nestjs/common';
import { RedemptionsModule } from '@app/redemptions';
import { ClientRedemptionsController } from './client-redemptions.controller';
import { RedemptionsController } from './redemptions.controller';
import { ValidationsController } from './validations.controller';

/** HTTP routes of validations, redemptions, rollbacks and holds (server and client keys). */
@Module({
  imports: [RedemptionsModule],
  controllers: [ValidationsController, RedemptionsController, ClientRedemptionsController],
})
export class RedemptionsHttpModule {}
