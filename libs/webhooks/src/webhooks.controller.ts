import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ListQueryDto } from '@app/core';
import { ProjectId } from '@app/tenancy';
import { CreateWebhookDto, UpdateWebhookDto } from './webhooks.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  create(@ProjectId() projectId: string, @Body() body: CreateWebhookDto) {
    return this.webhooks.create(projectId, body);
  }

  @Get()
  list(@ProjectId() projectId: string, @Query() query: ListQueryDto) {
    return this.webhooks.list(projectId, query);
  }

  @Get(':id')
  get(@ProjectId() projectId: string, @Param('id') id: string) {
    return this.webhooks.get(projectId, id);
  }

  @Put(':id')
  update(@ProjectId() projectId: string, @Param('id') id: string, @Body() body: UpdateWebhookDto) {
    return this.webhooks.update(projectId, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@ProjectId() projectId: string, @Param('id') id: string) {
    return this.webhooks.remove(projectId, id);
  }

  @Post(':id/rotate-secret')
  rotateSecret(@ProjectId() projectId: string, @Param('id') id: string) {
    return this.webhooks.rotateSecret(projectId, id);
  }

  @Get(':id/deliveries')
  deliveries(
    @ProjectId() projectId: string,
    @Param('id') id: string,
    @Query() query: ListQueryDto,
  ) {
    return this.webhooks.listDeliveries(projectId, id, query);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  redeliver(
    @ProjectId() projectId: string,
    @Param('id') id: string,
    @Param('deliveryId') deliveryId: string,
  ) {
    return this.webhooks.redeliver(projectId, id, deliveryId);
  }
}
