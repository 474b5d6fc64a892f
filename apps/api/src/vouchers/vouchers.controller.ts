import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ProjectId } from '@app/tenancy';
import {
  BalanceDto,
  ChangeOrigin,
  CreateVoucherDto,
  DeleteQueryDto,
  ListTransactionsQueryDto,
  ListVouchersQueryDto,
  UpdateVoucherDto,
  VouchersService,
} from '@app/vouchers';
import { csvFileOf } from './csv-upload';
import { Origin, RequestId } from './request-id.decorator';

@ApiTags('vouchers')
@Controller('v1/vouchers')
export class VouchersController {
  constructor(private readonly vouchers: VouchersService) {}

  /** Also serves `POST /v1/vouchers/` (the SDK's path for a generated code). */
  @Post()
  createGenerated(
    @ProjectId() projectId: string,
    @Body() body: CreateVoucherDto,
    @Origin() origin: ChangeOrigin,
  ) {
    return this.vouchers.create(projectId, undefined, body, origin);
  }

  @Post('import')
  @HttpCode(202)
  import(@ProjectId() projectId: string, @Body() body: unknown, @RequestId() requestId: string) {
    return this.vouchers.acceptImport(projectId, body, 'VOUCHERS.IMPORT', requestId);
  }

  @Post('importCSV')
  @HttpCode(202)
  async importCsv(
    @ProjectId() projectId: string,
    @Req() request: FastifyRequest,
    @RequestId() requestId: string,
  ) {
    return this.vouchers.acceptCsvImport(projectId, await csvFileOf(request), requestId);
  }

  @Get()
  list(@ProjectId() projectId: string, @Query() query: ListVouchersQueryDto) {
    return this.vouchers.list(projectId, query);
  }

  @Post(':code')
  create(
    @ProjectId() projectId: string,
    @Param('code') code: string,
    @Body() body: CreateVoucherDto,
    @Origin() origin: ChangeOrigin,
  ) {
    return this.vouchers.create(projectId, code, body, origin);
  }

  @Get(':code')
  get(@ProjectId() projectId: string, @Param('code') code: string) {
    return this.vouchers.get(projectId, code);
  }

  @Put(':code')
  update(
    @ProjectId() projectId: string,
    @Param('code') code: string,
    @Body() body: UpdateVoucherDto,
    @Origin() origin: ChangeOrigin,
  ) {
    return this.vouchers.update(projectId, code, body, origin);
  }

  @Delete(':code')
  @HttpCode(204)
  async delete(
    @ProjectId() projectId: string,
    @Param('code') code: string,
    @Query() query: DeleteQueryDto,
    @Origin() origin: ChangeOrigin,
  ) {
    await this.vouchers.delete(projectId, code, query.force ?? false, origin);
  }

  @Post(':code/enable')
  enable(
    @ProjectId() projectId: string,
    @Param('code') code: string,
    @Origin() origin: ChangeOrigin,
  ) {
    return this.vouchers.setActive(projectId, code, true, origin);
  }

  @Post(':code/disable')
  disable(
    @ProjectId() projectId: string,
    @Param('code') code: string,
    @Origin() origin: ChangeOrigin,
  ) {
    return this.vouchers.setActive(projectId, code, false, origin);
  }

  @Post(':code/balance')
  balance(
    @ProjectId() projectId: string,
    @Param('code') code: string,
    @Body() body: BalanceDto,
    @Origin() origin: ChangeOrigin,
  ) {
    return this.vouchers.changeBalance(projectId, code, body, origin);
  }

  @Get(':code/transactions')
  transactions(
    @ProjectId() projectId: string,
    @Param('code') code: string,
    @Query() query: ListTransactionsQueryDto,
  ) {
    return this.vouchers.listTransactions(projectId, code, query);
  }
}
