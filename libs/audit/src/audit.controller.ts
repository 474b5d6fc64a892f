import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { listEnvelope, paging } from '@app/core';
import { ManagementApi, ProjectIdParam } from '@app/management';
import { ProjectId } from '@app/tenancy';
import { AuditListResponse, AuditLogQueryDto } from './audit.dto';
import { AuditService } from './audit.service';
import { AuditListFilter } from './audit.repository';

const filterOf = (q: AuditLogQueryDto): AuditListFilter => ({
  entityType: q.entity_type,
  entityId: q.entity_id,
  actorId: q.key_id,
  createdBefore: q.created_at?.before,
  createdAfter: q.created_at?.after,
});

@ApiTags('audit-log')
@Controller('v1/audit-log')
export class AuditLogController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: "The project's audit log, newest first" })
  @ApiOkResponse({ type: AuditListResponse })
  async list(@ProjectId() projectId: string, @Query() query: AuditLogQueryDto) {
    const { entries, total } = await this.audit.list(projectId, filterOf(query), paging(query));
    return listEnvelope('data', entries, total);
  }
}

@ManagementApi()
@Controller('management/v1/projects/:id/audit-log')
export class ManagementAuditLogController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: "A project's audit log (deleted projects included), newest first" })
  @ApiOkResponse({ type: AuditListResponse })
  async list(@Param() params: ProjectIdParam, @Query() query: AuditLogQueryDto) {
    const { entries, total } = await this.audit.listOfProject(
      params.id,
      filterOf(query),
      paging(query),
    );
    return listEnvelope('data', entries, total);
  }
}
