import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProjectId } from '@app/tenancy';
import {
  CampaignIdParam,
  CampaignSummaryResponse,
  RangeQueryDto,
  RedemptionSeriesResponse,
  SeriesQueryDto,
  TopQueryDto,
  TopResponse,
} from './reports.dto';
import { ReportsService } from './reports.service';

@ApiTags('reports')
@Controller('v1')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('campaigns/:id/summary')
  @ApiOperation({
    summary: 'Campaign summary: codes generated and published, redemptions, failures, amounts',
  })
  @ApiOkResponse({ type: CampaignSummaryResponse })
  summary(
    @ProjectId() projectId: string,
    @Param() params: CampaignIdParam,
    @Query() query: RangeQueryDto,
  ) {
    return this.reports.campaignSummary(projectId, params.id, query.start_date, query.end_date);
  }

  @Get('reports/redemptions')
  @ApiOperation({ summary: 'Redemptions succeeded / failed / rolled back per hour or day' })
  @ApiOkResponse({ type: RedemptionSeriesResponse })
  series(@ProjectId() projectId: string, @Query() query: SeriesQueryDto) {
    return this.reports.redemptionSeries(projectId, query);
  }

  @Get('reports/top-vouchers')
  @ApiOperation({ summary: 'Vouchers with the most successful redemptions in a range' })
  @ApiOkResponse({ type: TopResponse })
  topVouchers(@ProjectId() projectId: string, @Query() query: TopQueryDto) {
    return this.reports.top(projectId, 'voucher', query);
  }

  @Get('reports/top-customers')
  @ApiOperation({ summary: 'Customers with the most successful redemptions in a range' })
  @ApiOkResponse({ type: TopResponse })
  topCustomers(@ProjectId() projectId: string, @Query() query: TopQueryDto) {
    return this.reports.top(projectId, 'customer', query);
  }
}
