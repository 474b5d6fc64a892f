import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Idempotent } from '@app/idempotency';
import {
  ClientRedeemQueryDto,
  ClientValidateQueryDto,
  RedemptionsService,
  StackableRequestDto,
  ValidationsService,
  VoucherRequestDto,
} from '@app/redemptions';
import { Auth, AuthContext } from '@app/tenancy';
import { RequestId } from '../vouchers/request-id.decorator';
import { ClientIp } from './client-ip.decorator';

/** The client-side (publishable key) subset: validate and redeem. */
@ApiTags('client')
@Controller('client/v1')
export class ClientRedemptionsController {
  constructor(
    private readonly validations: ValidationsService,
    private readonly redemptions: RedemptionsService,
  ) {}

  @Get('validate')
  validate(
    @Auth() auth: AuthContext,
    @Query() query: ClientValidateQueryDto,
    @RequestId() requestId: string,
    @ClientIp() ip: string,
  ) {
    return this.validations.validateFromQuery(auth, query, requestId, ip);
  }

  @Post('validations')
  validateStackable(
    @Auth() auth: AuthContext,
    @Body() body: StackableRequestDto,
    @RequestId() requestId: string,
    @ClientIp() ip: string,
  ) {
    return this.validations.validateStackable(auth, body, requestId, ip);
  }

  @Post('redeem')
  @Idempotent()
  redeem(
    @Auth() auth: AuthContext,
    @Query() query: ClientRedeemQueryDto,
    @Body() body: VoucherRequestDto,
    @RequestId() requestId: string,
    @ClientIp() ip: string,
  ) {
    return this.redemptions.redeemVoucher(auth, query.code, body, undefined, requestId, ip);
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
}
