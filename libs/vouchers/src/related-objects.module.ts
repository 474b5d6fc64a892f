import { Global, Injectable, Module } from '@nestjs/common';
import { RELATED_OBJECT_RESOLVER, RelatedObjectResolver } from '@app/validations';
import { CampaignsRepository } from './campaigns.repository';
import { VouchersModule } from './vouchers.module';
import { VouchersRepository } from './vouchers.repository';

/** Resolves the SDK's `{voucher: code}` / `{campaign: name}` assignment shapes to ids. */
@Injectable()
export class VoucherRelatedObjectResolver implements RelatedObjectResolver {
  constructor(
    private readonly vouchers: VouchersRepository,
    private readonly campaigns: CampaignsRepository,
  ) {}

  async resolveVoucher(projectId: string, codeOrId: string): Promise<string | null> {
    return (await this.vouchers.findLive(projectId, codeOrId))?.id ?? null;
  }

  async resolveCampaign(projectId: string, nameOrId: string): Promise<string | null> {
    return (await this.campaigns.findLive(projectId, nameOrId))?.id ?? null;
  }
}

/**
 * Global so that ValidationsModule sees the resolver without importing vouchers (which
 * imports validations to create assignments: a normal import would be circular).
 */
@Global()
@Module({
  imports: [VouchersModule],
  providers: [{ provide: RELATED_OBJECT_RESOLVER, useClass: VoucherRelatedObjectResolver }],
  exports: [RELATED_OBJECT_RESOLVER],
})
export class VoucherRelatedObjectsModule {}
