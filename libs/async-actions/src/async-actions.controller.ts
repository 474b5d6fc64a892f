import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsInt, IsOptional, Max, Min } from 'class-validator';
import { listEnvelope } from '@app/core';
import { ProjectId } from '@app/tenancy';
import { AsyncActionsService } from './async-actions.service';

class ListAsyncActionsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'Only actions created at or before this time' })
  @IsOptional()
  @Transform(({ value }) => (value === undefined ? undefined : new Date(String(value))))
  @IsDate()
  end_date?: Date;
}

@ApiTags('async-actions')
@Controller('v1/async-actions')
export class AsyncActionsController {
  constructor(private readonly asyncActions: AsyncActionsService) {}

  @Get()
  async list(@ProjectId() projectId: string, @Query() query: ListAsyncActionsQuery) {
    return listEnvelope(
      'async_actions',
      await this.asyncActions.list(projectId, query.limit ?? 10, query.end_date),
    );
  }

  @Get(':id')
  get(@ProjectId() projectId: string, @Param('id') id: string) {
    return this.asyncActions.get(projectId, id);
  }
}
