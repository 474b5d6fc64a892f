import { Module } from '@nestjs/common';
import { WebhooksModule } from '@app/webhooks';
import { ManagementWebhooksController } from './management-webhooks.controller';
import { ManagementApiKeysController, ManagementProjectsController } from './management.controller';
import { ManagementService } from './management.service';

/**
 * The management API (`/management/v1`): projects and their keys.
 *
 * A project's webhook endpoints are served here too (ManagementWebhooksController, on the
 * webhooks service); its rate-limit plan and overrides by libs/reports' management routes.
 * Controllers elsewhere under `management/v1/` are decorated with `@ManagementApi()`. Any controller under that prefix is management-only (the AuthGuard
 * decides by path), so those libs need nothing from this module but the decorator.
 */
@Module({
  imports: [WebhooksModule],
  controllers: [
    ManagementProjectsController,
    ManagementApiKeysController,
    ManagementWebhooksController,
  ],
  providers: [ManagementService],
  exports: [ManagementService],
})
export class ManagementModule {}
