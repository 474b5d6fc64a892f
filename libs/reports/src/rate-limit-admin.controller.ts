import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ManagementApi } from '@app/management';
import {
  ProjectIdParam,
  RateLimitPolicyResponse,
  RateLimitStatusQueryDto,
  RateLimitStatusResponse,
  UpdateRateLimitPolicyDto,
} from './rate-limit-admin.dto';
import { RateLimitAdminService } from './rate-limit-admin.service';

@ManagementApi('management: rate limits')
@Controller('management/v1')
export class RateLimitAdminController {
  constructor(private readonly admin: RateLimitAdminService) {}

  @Get('rate-limits/status')
  @ApiOperation({
    summary: 'Projects limited right now (top N by recent rejections), shedding and breaker state',
    description:
      "This process's own limiter state: behind a load balancer each instance answers for itself.",
  })
  @ApiOkResponse({ type: RateLimitStatusResponse })
  status(@Query() query: RateLimitStatusQueryDto) {
    return this.admin.status(query.limit ?? 20);
  }

  @Get('projects/:id/rate-limits')
  @ApiOperation({ summary: "A project's rate-limit plan and overrides, resolved" })
  @ApiOkResponse({ type: RateLimitPolicyResponse })
  policy(@Param() params: ProjectIdParam) {
    return this.admin.policy(params.id);
  }

  @Put('projects/:id/rate-limits')
  @ApiOperation({
    summary: "Set a project's plan and overrides (applies within the policy cache TTL)",
  })
  @ApiOkResponse({ type: RateLimitPolicyResponse })
  update(@Param() params: ProjectIdParam, @Body() body: UpdateRateLimitPolicyDto) {
    return this.admin.updatePolicy(params.id, body);
  }
}
