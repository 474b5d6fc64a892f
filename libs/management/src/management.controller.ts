import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { listEnvelope, ListQueryDto, paging } from '@app/core';
import { ManagementApi } from './management.decorators';
import {
  ApiKeyResponse,
  CreateApiKeyDto,
  CreatedProjectResponse,
  CreateProjectDto,
  IssuedApiKeyResponse,
  ProjectIdParam,
  ProjectResponse,
  UpdateProjectDto,
} from './management.dto';
import { ManagementService } from './management.service';

@ManagementApi()
@Controller('management/v1/projects')
export class ManagementProjectsController {
  constructor(private readonly management: ManagementService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a project with a default server and client key (secrets shown once)',
  })
  @ApiOkResponse({ type: CreatedProjectResponse })
  create(@Body() body: CreateProjectDto) {
    return this.management.createProject(body.name, body.client_allowed_origins ?? ['*']);
  }

  @Get()
  @ApiOperation({ summary: 'List projects (deleted ones excluded)' })
  async list(@Query() query: ListQueryDto) {
    const { projects, total } = await this.management.listProjects(paging(query));
    return listEnvelope('projects', projects, total);
  }

  @Get(':id')
  @ApiOkResponse({ type: ProjectResponse })
  get(@Param() params: ProjectIdParam) {
    return this.management.getProject(params.id);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Rename a project' })
  @ApiOkResponse({ type: ProjectResponse })
  update(@Param() params: ProjectIdParam, @Body() body: UpdateProjectDto) {
    return this.management.renameProject(params.id, body.name);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete (disable) a project: its keys stop working at once' })
  @ApiNoContentResponse()
  remove(@Param() params: ProjectIdParam) {
    return this.management.deleteProject(params.id);
  }
}

@ManagementApi()
@Controller('management/v1/projects/:id/api-keys')
export class ManagementApiKeysController {
  constructor(private readonly management: ManagementService) {}

  @Post()
  @ApiOperation({ summary: 'Create a server or client key (secret shown once)' })
  @ApiOkResponse({ type: IssuedApiKeyResponse })
  create(@Param() params: ProjectIdParam, @Body() body: CreateApiKeyDto) {
    return this.management.createKey(
      params.id,
      body.kind,
      body.name ?? '',
      body.allowed_origins ?? ['*'],
    );
  }

  @Get()
  @ApiOperation({ summary: "List a project's keys (no secrets), revoked ones included" })
  @ApiOkResponse({ type: [ApiKeyResponse] })
  async list(@Param() params: ProjectIdParam) {
    return listEnvelope('api_keys', await this.management.listKeys(params.id));
  }

  @Post(':keyId/rotate')
  @ApiOperation({ summary: 'New secret for the same app id; the old one stops working' })
  @ApiOkResponse({ type: IssuedApiKeyResponse })
  rotate(@Param() params: ProjectIdParam, @Param('keyId') keyId: string) {
    return this.management.rotateKey(params.id, keyId);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key' })
  @ApiNoContentResponse()
  revoke(@Param() params: ProjectIdParam, @Param('keyId') keyId: string) {
    return this.management.revokeKey(params.id, keyId);
  }
}
