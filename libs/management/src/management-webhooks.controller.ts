import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation } from '@nestjs/swagger';
import { ListQueryDto } from '@app/core';
import { CreateWebhookDto, UpdateWebhookDto, WebhooksService } from '@app/webhooks';
import { ManagementApi } from './management.decorators';
import { ProjectIdParam } from './management.dto';
import { ManagementService } from './management.service';

/**
 * A project's webhook endpoints for the dashboard: the same service as `/v1/webhooks`, with
 * the project taken from the path (after checking it exists and is not deleted) instead of
 * from a project key.
 */
@ManagementApi()
@Controller('management/v1/projects/:id/webhooks')
export class ManagementWebhooksController {
  constructor(
    private readonly management: ManagementService,
    private readonly webhooks: WebhooksService,
  ) {}

  private async project(params: ProjectIdParam): Promise<string> {
    await this.management.getProject(params.id);
    return params.id;
  }

  @Post()
  @ApiOperation({
    summary: 'Create a webhook endpoint of a project (its secret is in the response)',
  })
  async create(@Param() params: ProjectIdParam, @Body() body: CreateWebhookDto) {
    return this.webhooks.create(await this.project(params), body);
  }

  @Get()
  async list(@Param() params: ProjectIdParam, @Query() query: ListQueryDto) {
    return this.webhooks.list(await this.project(params), query);
  }

  @Get(':webhookId')
  async get(@Param() params: ProjectIdParam, @Param('webhookId') webhookId: string) {
    return this.webhooks.get(await this.project(params), webhookId);
  }

  @Put(':webhookId')
  async update(
    @Param() params: ProjectIdParam,
    @Param('webhookId') webhookId: string,
    @Body() body: UpdateWebhookDto,
  ) {
    return this.webhooks.update(await this.project(params), webhookId, body);
  }

  @Delete(':webhookId')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@Param() params: ProjectIdParam, @Param('webhookId') webhookId: string) {
    await this.webhooks.remove(await this.project(params), webhookId);
  }

  @Post(':webhookId/rotate-secret')
  async rotateSecret(@Param() params: ProjectIdParam, @Param('webhookId') webhookId: string) {
    return this.webhooks.rotateSecret(await this.project(params), webhookId);
  }
}
