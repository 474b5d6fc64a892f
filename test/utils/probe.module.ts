import { Body, Controller, Get, Module, Param, Post, Query } from '@nestjs/common';
import { IsInt, IsObject, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { Auth, AuthContext } from '@app/tenancy';

class ProbeItemDto {
  @IsInt() @Min(0) quantity: number;
}

class ProbeBodyDto {
  @IsString() name: string;
  @IsOptional() @IsInt() @Min(0) amount?: number;
  @IsOptional() @IsObject() metadata?: Record<string, unknown>;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => ProbeItemDto) items?: ProbeItemDto[];
}

/** Test-only routes that exercise the shared HTTP plumbing (never part of the product). */
@Controller()
class ProbeController {
  @Get('v1/probe/echo/:code')
  echo(
    @Param('code') code: string,
    @Query() query: Record<string, unknown>,
    @Auth() auth: AuthContext,
  ) {
    return { code, query, project_id: auth.projectId, channel: auth.channel };
  }

  @Post('v1/probe/echo')
  echoBody(@Body() body: ProbeBodyDto, @Auth() auth: AuthContext) {
    return { body, project_id: auth.projectId };
  }

  @Get('v1/probe/fail')
  fail(): never {
    throw new Error('secret internal detail: password=hunter2');
  }

  @Get('client/v1/probe/echo')
  clientEcho(@Auth() auth: AuthContext) {
    return { project_id: auth.projectId, channel: auth.channel };
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
