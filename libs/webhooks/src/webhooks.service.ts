import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  ListQueryDto,
  listEnvelope,
  newId,
  paging,
  parseOrder,
  randomBase62,
  TransactionRunner,
} from '@app/core';
import { isEventType } from '@app/queue';
import { targetUrlProblem } from './target-url';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { CreateWebhookDto, UpdateWebhookDto } from './webhooks.dto';
import { WebhookErrors } from './webhooks.errors';
import { WebhooksRepository } from './webhooks.repository';
import { toDeliveryResponse, toWebhookResponse } from './webhooks.serializer';

const newSecret = () => `whsec_${randomBase62(40)}`;

/** Per-project webhook endpoints, their secrets and their delivery log. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly config: AppConfig,
    private readonly repository: WebhooksRepository,
    private readonly transactions: TransactionRunner,
    private readonly deliveries: WebhookDeliveryService,
  ) {}

  private checkTargetUrl(url: string): void {
    const problem = targetUrlProblem(url, {
      allowPrivate: this.config.env.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    });
    if (problem) throw WebhookErrors.invalidTargetUrl(problem);
  }

  private checkEvents(events: string[]): string[] {
    const unique = [...new Set(events)];
    const unknown = unique.filter((type) => type !== '*' && !isEventType(type));
    if (unknown.length) throw WebhookErrors.unknownEventTypes(unknown);
    return unique.includes('*') ? ['*'] : unique;
  }

  private async load(projectId: string, id: string): Promise<WebhookEndpointEntity> {
    const endpoint = await this.repository.findEndpoint(projectId, id);
    if (!endpoint) throw WebhookErrors.notFound(id);
    return endpoint;
  }

  async create(projectId: string, dto: CreateWebhookDto) {
    this.checkTargetUrl(dto.target_url);
    const endpoint = await this.repository.insertEndpoint({
      id: newId('webhook'),
      projectId,
      targetUrl: dto.target_url,
      events: this.checkEvents(dto.events),
      secret: newSecret(),
      active: dto.active ?? true,
      metadata: dto.metadata ?? {},
    });
    return toWebhookResponse(endpoint, true);
  }

  async list(projectId: string, query: ListQueryDto) {
    const page = paging(query);
    const order = parseOrder(query.order, ['created_at', 'updated_at'] as const, {
      field: 'created_at',
      direction: 'DESC',
    });
    const [items, total] = await this.repository.listEndpoints(projectId, page, order);
    return listEnvelope(
      'webhooks',
      items.map((e) => toWebhookResponse(e)),
      total,
    );
  }

  async get(projectId: string, id: string) {
    return toWebhookResponse(await this.load(projectId, id));
  }

  async update(projectId: string, id: string, dto: UpdateWebhookDto) {
    const patch: Partial<WebhookEndpointEntity> = {};
    if (dto.target_url !== undefined) {
      this.checkTargetUrl(dto.target_url);
      patch.targetUrl = dto.target_url;
    }
    if (dto.events !== undefined) patch.events = this.checkEvents(dto.events);
    if (dto.metadata !== undefined) patch.metadata = dto.metadata;
    if (dto.active === true)
      Object.assign(patch, { active: true, disabledReason: null, consecutiveFailures: 0 });
    if (dto.active === false)
      Object.assign(patch, { active: false, disabledReason: 'disabled by the API' });
    if (Object.keys(patch).length === 0) return this.get(projectId, id);
    if (!(await this.repository.updateEndpoint(projectId, id, patch)))
      throw WebhookErrors.notFound(id);
    return this.get(projectId, id);
  }

  async remove(projectId: string, id: string): Promise<void> {
    const deleted = await this.transactions.run((em) =>
      this.repository.deleteEndpoint(projectId, id, em),
    );
    if (!deleted) throw WebhookErrors.notFound(id);
  }

  /** A new secret takes effect for every attempt from now on, retries of older events included. */
  async rotateSecret(projectId: string, id: string) {
    if (!(await this.repository.updateEndpoint(projectId, id, { secret: newSecret() })))
      throw WebhookErrors.notFound(id);
    return toWebhookResponse(await this.load(projectId, id), true);
  }

  async listDeliveries(projectId: string, id: string, query: ListQueryDto) {
    await this.load(projectId, id);
    const [items, total] = await this.repository.listDeliveries(projectId, id, paging(query));
    return listEnvelope('deliveries', items.map(toDeliveryResponse), total);
  }

  async redeliver(projectId: string, id: string, deliveryId: string) {
    const delivery = await this.repository.findDeliveryOfWebhook(projectId, id, deliveryId);
    if (!delivery) throw WebhookErrors.deliveryNotFound(deliveryId);
    await this.deliveries.redeliver(delivery);
    return toDeliveryResponse({ ...delivery, status: 'pending', nextAttemptAt: null });
  }
}
