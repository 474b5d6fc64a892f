import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { StackableRequestDto, ValidationsService, VoucherRequestDto } from '@app/redemptions';
import { Auth, AuthContext } from '@app/tenancy';
import { RequestId } from '../vouchers/request-id.decorator';
import { ClientIp } from './client-ip.decorator';

@ApiTags('validations')
@Controller('v1')
export class ValidationsController {
  constructor(private readonly validations: ValidationsService) {}

  /** Legacy: 200 `valid:true|false`; an unknown code is 404 not_found. */
  @Post('vouchers/:code/validate')
  validateVoucher(
    @Auth() auth: AuthContext,
    @Param('code') code: string,
    @Body() body: VoucherRequestDto,
    @RequestId() requestId: string,
    @ClientIp() ip: string,
  ) {
    return this.validations.validateVoucher(auth, code, body, requestId, ip);
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
}
