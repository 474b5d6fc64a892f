import { Module } from '@nestjs/common';
import multipart from '@fastify/multipart';
import { AsyncActionsModule } from '@app/async-actions';
import { FastifySetup, registerFastifySetup } from '@app/core';
import { CustomersModule } from '@app/customers';
import { ValidationsModule } from '@app/validations';
import { CampaignsRepository } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';
import { CodeGenerationService } from './code-generation.service';
import { VoucherHoldersRepository } from './voucher-holders.repository';
import { VouchersRepository } from './vouchers.repository';
import { VouchersService } from './vouchers.service';

/** Largest CSV upload and JSON import body (the contract documents 10 MB for imports). */
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;
const IMPORT_ROUTES = new Set(['/v1/vouchers/import', '/v1/campaigns/:campaignId/import']);

/**
 * Multipart uploads (CSV imports) and the larger body limit of the JSON import routes.
 * Registered once on the raw Fastify instance; another module may have registered multipart
 * already (customers import CSV too), so it checks first.
 */
export const importUploadsSetup: FastifySetup = async (fastify) => {
  fastify.addHook('onRoute', (route) => {
    if (IMPORT_ROUTES.has(route.url)) route.bodyLimit = IMPORT_MAX_BYTES;
  });
  if (fastify.hasContentTypeParser('multipart/form-data')) return;
  await fastify.register(multipart, {
    limits: { fileSize: IMPORT_MAX_BYTES, files: 1, fields: 20, parts: 21 },
  });
};
registerFastifySetup(importUploadsSetup);

/** Vouchers, campaigns and code generation: services and repositories (no HTTP, no jobs). */
@Module({
  // Async actions are global in the API; the worker process needs them imported.
  imports: [AsyncActionsModule, ValidationsModule, CustomersModule],
  providers: [
    VouchersRepository,
    CampaignsRepository,
    CodeGenerationService,
    VouchersService,
    CampaignsService,
    // Publications claim codes through it.
    VoucherHoldersRepository,
  ],
  exports: [
    VouchersRepository,
    CampaignsRepository,
    CodeGenerationService,
    VouchersService,
    CampaignsService,
    VoucherHoldersRepository,
  ],
})
export class VouchersModule {}
