import { Module } from '@nestjs/common';
import { CustomersModule } from '@app/customers';
import { VouchersModule } from '@app/vouchers';
import {
  ClientPublicationsController,
  PublicationsController,
  VoucherPublicationsController,
} from './publications.controller';
import { PublicationsRepository } from './publications.repository';
import { PublicationsService } from './publications.service';

/** Publications: handing campaign codes (or a given code) to customers. */
@Module({
  imports: [CustomersModule, VouchersModule],
  controllers: [
    PublicationsController,
    ClientPublicationsController,
    VoucherPublicationsController,
  ],
  providers: [PublicationsRepository, PublicationsService],
  exports: [PublicationsService],
})
export class PublicationsModule {}
