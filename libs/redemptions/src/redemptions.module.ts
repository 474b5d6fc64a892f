import { Module } from '@nestjs/common';
import { CustomersModule } from '@app/customers';
import { OrdersModule } from '@app/orders';
import { ValidationsModule } from '@app/validations';
import { VouchersModule } from '@app/vouchers';
import { CodeLookup } from './code-lookup';
import { RedeemableEvaluator } from './redeemable-evaluator';
import { RedemptionsRepository } from './redemptions.repository';
import { RedemptionsService } from './redemptions.service';
import { ValidationsService } from './validations.service';

/** Validations (legacy and stackable), redemptions, rollbacks and LOCK holds. */
@Module({
  imports: [VouchersModule, ValidationsModule, CustomersModule, OrdersModule],
  providers: [
    CodeLookup,
    RedemptionsRepository,
    RedeemableEvaluator,
    ValidationsService,
    RedemptionsService,
  ],
  exports: [RedemptionsRepository, ValidationsService, RedemptionsService],
})
export class RedemptionsModule {}
