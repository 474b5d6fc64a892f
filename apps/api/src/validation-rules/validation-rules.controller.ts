import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ListQueryDto } from '@app/core';
import { ProjectId } from '@app/tenancy';
import {
  CreateAssignmentDto,
  CreateAssignmentQueryDto,
  CreateValidationRuleDto,
  ListAssignmentsQueryDto,
  UpdateValidationRuleDto,
  ValidationRulesService,
} from '@app/validations';

@ApiTags('validation-rules')
@Controller('v1')
export class ValidationRulesController {
  constructor(private readonly rules: ValidationRulesService) {}

  @Post('validation-rules')
  create(@ProjectId() projectId: string, @Body() body: CreateValidationRuleDto) {
    return this.rules.create(projectId, body);
  }

  @Get('validation-rules')
  list(@ProjectId() projectId: string, @Query() query: ListQueryDto) {
    return this.rules.list(projectId, query);
  }

  @Get('validation-rules/:id')
  get(@ProjectId() projectId: string, @Param('id') id: string) {
    return this.rules.get(projectId, id);
  }

  @Put('validation-rules/:id')
  update(
    @ProjectId() projectId: string,
    @Param('id') id: string,
    @Body() body: UpdateValidationRuleDto,
  ) {
    return this.rules.update(projectId, id, body);
  }

  @Delete('validation-rules/:id')
  @HttpCode(204)
  delete(@ProjectId() projectId: string, @Param('id') id: string) {
    return this.rules.delete(projectId, id);
  }

  @Post('validation-rules/:id/assignments')
  createAssignment(
    @ProjectId() projectId: string,
    @Param('id') id: string,
    @Body() body: CreateAssignmentDto,
    @Query() query: CreateAssignmentQueryDto,
  ) {
    return this.rules.createAssignment(projectId, id, body, query.force ?? false);
  }

  @Get('validation-rules/:id/assignments')
  listRuleAssignments(
    @ProjectId() projectId: string,
    @Param('id') id: string,
    @Query() query: ListQueryDto,
  ) {
    return this.rules.listRuleAssignments(projectId, id, query);
  }

  @Delete('validation-rules/:id/assignments/:assignmentId')
  @HttpCode(204)
  deleteAssignment(
    @ProjectId() projectId: string,
    @Param('id') id: string,
    @Param('assignmentId') assignmentId: string,
  ) {
    return this.rules.deleteAssignment(projectId, id, assignmentId);
  }

  @Get('validation-rules-assignments')
  listAssignments(@ProjectId() projectId: string, @Query() query: ListAssignmentsQueryDto) {
    return this.rules.listAssignments(projectId, query);
  }
}
