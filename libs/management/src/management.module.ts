import { Module } from '@nestjs/common';
import { ManagementApiKeysController, ManagementProjectsController } from './management.controller';
import { ManagementService } from './management.service';

/**
 * The management API (`/management/v1`): projects and their keys.
 *
 * Extension point. A project's rate-limit plan and overrides (libs/rate-limit) and its webhook
 * endpoints (libs/webhooks) belong here too; they are served by controllers of those libs under
 * `management/v1/projects/:id/rate-limit` and `management/v1/projects/:id/webhooks`, decorated
 * with `@ManagementApi()`. Any controller under that prefix is management-only (the AuthGuard
 * decides by path), so those libs need nothing from this module but the decorator.
 */
@Module({
  controllers: [ManagementProjectsController, ManagementApiKeysController],
  providers: [ManagementService],
  exports: [ManagementService],
})
export class ManagementModule {}
