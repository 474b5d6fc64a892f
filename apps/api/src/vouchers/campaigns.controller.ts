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
  Res,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProjectId } from '@app/tenancy';
import {
  AddCampaignVoucherDto,
  AddVouchersQueryDto,
  CampaignsService,
  CreateCampaignDto,
  DeleteQueryDto,
  ListCampaignsQueryDto,
  UpdateCampaignDto,
} from '@app/vouchers';
import { csvFileOf } from './csv-upload';
import { RequestId } from './request-id.decorator';

@ApiTags('campaigns')
@Controller('v1/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  create(
    @ProjectId() projectId: string,
    @Body() body: CreateCampaignDto,
    @RequestId() requestId: string,
  ) {
    return this.campaigns.create(projectId, body, requestId);
  }

  @Get()
  list(@ProjectId() projectId: string, @Query() query: ListCampaignsQueryDto) {
    return this.campaigns.list(projectId, query);
  }

  @Get(':campaignId')
  get(@ProjectId() projectId: string, @Param('campaignId') id: string) {
    return this.campaigns.get(projectId, id);
  }

  @Put(':campaignId')
  update(
    @ProjectId() projectId: string,
    @Param('campaignId') id: string,
    @Body() body: UpdateCampaignDto,
  ) {
    return this.campaigns.update(projectId, id, body);
  }

  @Delete(':campaignId')
  @HttpCode(202)
  delete(
    @ProjectId() projectId: string,
    @Param('campaignId') id: string,
    @Query() query: DeleteQueryDto,
    @RequestId() requestId: string,
  ) {
    return this.campaigns.delete(projectId, id, query.force ?? false, requestId);
  }

  @Post(':campaignId/enable')
  enable(@ProjectId() projectId: string, @Param('campaignId') id: string) {
    return this.campaigns.setActive(projectId, id, true);
  }

  @Post(':campaignId/disable')
  disable(@ProjectId() projectId: string, @Param('campaignId') id: string) {
    return this.campaigns.setActive(projectId, id, false);
  }

  /** N = 1 answers 200 with the voucher; N > 1 answers 202 with an async action. */
  @Post(':campaignId/vouchers')
  async addVouchers(
    @ProjectId() projectId: string,
    @Param('campaignId') id: string,
    @Query() query: AddVouchersQueryDto,
    @Body() body: AddCampaignVoucherDto,
    @RequestId() requestId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const count = query.vouchers_count ?? 1;
    if (count > 1) reply.status(202);
    return this.campaigns.addVouchers(projectId, id, count, body ?? {}, requestId);
  }

  @Post(':campaignId/vouchers/:code')
  addCertainVoucher(
    @ProjectId() projectId: string,
    @Param('campaignId') id: string,
    @Param('code') code: string,
    @Body() body: AddCampaignVoucherDto,
  ) {
    return this.campaigns.addCertainVoucher(projectId, id, code, body ?? {});
  }

  @Post(':campaignId/import')
  @HttpCode(202)
  import(
    @ProjectId() projectId: string,
    @Param('campaignId') id: string,
    @Body() body: unknown,
    @RequestId() requestId: string,
  ) {
    return this.campaigns.importVouchers(projectId, id, body, requestId);
  }

  @Post(':campaignId/importCSV')
  @HttpCode(202)
  async importCsv(
    @ProjectId() projectId: string,
    @Param('campaignId') id: string,
    @Req() request: FastifyRequest,
    @RequestId() requestId: string,
  ) {
    return this.campaigns.importVouchersCsv(projectId, id, await csvFileOf(request), requestId);
  }
}
