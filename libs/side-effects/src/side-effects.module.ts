import { Module } from '@nestjs/common';
import { CustomersModule } from '@app/customers';
import { CustomerActivityController } from './customer-activity.controller';
import { CustomerActivityService } from './customer-activity.service';
import { SideEffectsRepository } from './side-effects.repository';
import { SIDE_EFFECT_SUBSCRIBERS } from './side-effects.subscribers';

/** The processors of customer and order side effects, for every process running the worker role. */
@Module({
  providers: [SideEffectsRepository, ...SIDE_EFFECT_SUBSCRIBERS],
})
export class SideEffectsModule {}

/** `GET /v1/customers/:id/activity`. */
@Module({
  imports: [CustomersModule],
  controllers: [CustomerActivityController],
  providers: [SideEffectsRepository, CustomerActivityService],
})
export class CustomerActivityModule {}
