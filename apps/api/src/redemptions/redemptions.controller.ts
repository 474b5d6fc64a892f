import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Idempotent } from '@app/idempotency';
import {
  ListRedemptionsQueryDto,
  RedemptionsService,
  RollbackBodyDto,
  RollbackQueryDto,
  StackableRequestDto,
  VoucherRequestDto,
} from '@app/redemptions';
import { Auth, AuthContext, ProjectId } from '@app/tenancy';
import { RequestId } from '../vouchers/request-id.decorator';
import { ClientIp } from './client-ip.decorator';

@ApiTags('redemptions')
@Controller('v1')
export class RedemptionsController {
  constructor(private readonly redemptions: RedemptionsService) {}

  @Post('vouchers/:code/redemption')
  @Idempotent()
  redeemVoucher(
    @Auth() auth: AuthContext,
    @Param('code') code: string,
    @Body() body: VoucherRequestDto,
    @Query() query: RollbackQueryDto,
    @RequestId() requestId: string,
    @ClientIp() ip: string,
  ) {
    return this.redemptions.redeemVoucher(auth, code, body, query.tracking_id, requestId, ip);
  }

  @Get('vouchers/:code/redemption')
  listForVoucher(
    @ProjectId() projectId: string,
    @Param('code') code: string,
    @Query() query: ListRedemptionsQueryDto,
  ) {
    return this.redemptions.listForVoucher(projectId, code, query);
  }

  @Delete('vouchers/:code/sessions/:key')
  @HttpCode(204)
  async releaseSession(
    @ProjectId() projectId: string,
    @Param('code') code: string,
    @Param('key') key: string,
  ) {
    await this.redemptions.releaseSession(projectId, code, key);
  }

  @Post('redemptions')
  @Idempotent()
  redeemStackable(
    @Auth() auth: AuthContext,
    @Body() body: StackableRequestDto,
    @RequestId() requestId: string,
    @ClientIp() ip: string,
  ) {
    return this.redemptions.redeemStackable(auth, body, requestId, ip);
  }

  @Get('redemptions')
  list(@ProjectId() projectId: string, @Query() query: ListRedemptionsQueryDto) {
    return this.redemptions.list(projectId, query);
  }

  @Get('redemptions/:id')
  get(@ProjectId() projectId: string, @Param('id') id: string) {
    return this.redemptions.get(projectId, id);
  }

  @Post('redemptions/:id/rollback')
  @Idempotent()
  rollback(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Query() query: RollbackQueryDto,
    @Body() body: RollbackBodyDto,
    @RequestId() requestId: string,
  ) {
    return this.redemptions.rollback(auth, id, query, body ?? {}, requestId);
  }

  @Post('redemptions/:id/rollbacks')
  @Idempotent()
  rollbackStackable(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Query() query: RollbackQueryDto,
    @Body() body: RollbackBodyDto,
    @RequestId() requestId: string,
  ) {
    return this.redemptions.rollbackStackable(auth, id, query, body ?? {}, requestId);
  }
}
