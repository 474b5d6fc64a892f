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
  ChangeOrigin,
  CreateCampaignDto,
  DeleteQueryDto,
  ListCampaignsQueryDto,
  UpdateCampaignDto,
} from '@app/vouchers';
import { csvFileOf } from './csv-upload';
import { Origin, RequestId } from './request-id.decorator';

@ApiTags('campaigns')
@Controller('v1/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  create(
    @ProjectId() projectId: string,
    @Body() body: CreateCampaignDto,
    @RequestId() requestId: string,
    @Origin() origin: ChangeOrigin,
  ) {
    return this.campaigns.create(projectId, body, requestId, origin);
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
    @Origin() origin: ChangeOrigin,
  ) {
    return this.campaigns.update(projectId, id, body, origin);
  }

  @Delete(':campaignId')
  @HttpCode(202)
  delete(
    @ProjectId() projectId: string,
    @Param('campaignId') id: string,
    @Query() query: DeleteQueryDto,
    @RequestId() requestId: string,
    @Origin() origin: ChangeOrigin,
  ) {
    return this.campaigns.delete(projectId, id, query.force ?? false, requestId, origin);
  }

  @Post(':campaignId/enable')
  enable(
    @ProjectId() projectId: string,
    @Param('campaignId') id: string,
    @Origin() origin: ChangeOrigin,
  ) {
    return this.campaigns.setActive(projectId, id, true, origin);
  }

  @Post(':campaignId/disable')
  disable(
    @ProjectId() projectId: string,
    @Param('campaignId') id: string,
    @Origin() origin: ChangeOrigin,
  ) {
    return this.campaigns.setActive(projectId, id, false, origin);
  }

  /** N = 1 answers 200 with the voucher; N > 1 answers 202 with an async action. */
  @Post(':campaignId/vouchers')
  async addVouchers(
    @ProjectId() projectId: string,
    @Param('campaignId') id: string,
    @Query() query: AddVouchersQueryDto,
    @Body() body: AddCampaignVoucherDto,
    @RequestId() requestId: string,
    @Origin() origin: ChangeOrigin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const count = query.vouchers_count ?? 1;
    if (count > 1) reply.status(202);
    return this.campaigns.addVouchers(projectId, id, count, body ?? {}, requestId, origin);
  }

  @Post(':campaignId/vouchers/:code')
  addCertainVoucher(
    @ProjectId() projectId: string,
    @Param('campaignId') id: string,
    @Param('code') code: string,
    @Body() body: AddCampaignVoucherDto,
    @Origin() origin: ChangeOrigin,
  ) {
    return this.campaigns.addCertainVoucher(projectId, id, code, body ?? {}, origin);
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
