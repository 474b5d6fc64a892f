import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ListQueryDto } from '@app/core';
import { Idempotent } from '@app/idempotency';
import { Auth, AuthContext, ProjectId } from '@app/tenancy';
import {
  ClientPublishBodyDto,
  ClientPublishQueryDto,
  ListPublicationsQueryDto,
  PublishQueryDto,
  PublishRequestDto,
} from './publications.dto';
import { PublicationsService } from './publications.service';

@ApiTags('publications')
@Controller('v1/publications')
export class PublicationsController {
  constructor(private readonly publications: PublicationsService) {}

  @Post()
  @Idempotent()
  create(
    @Auth() auth: AuthContext,
    @Body() body: PublishRequestDto,
    @Query() query: PublishQueryDto,
  ) {
    return this.publications.create(auth, body, query);
  }

  @Get('create')
  createFromQuery(@Auth() auth: AuthContext, @Query() query: PublishRequestDto) {
    return this.publications.createFromQuery(auth, query);
  }

  @Get()
  list(@ProjectId() projectId: string, @Query() query: ListPublicationsQueryDto) {
    return this.publications.list(projectId, query);
  }
}

@ApiTags('client-side')
@Controller('client/v1')
export class ClientPublicationsController {
  constructor(private readonly publications: PublicationsService) {}

  @Post('publish')
  @Idempotent()
  publish(
    @Auth() auth: AuthContext,
    @Query() query: ClientPublishQueryDto,
    @Body() body: ClientPublishBodyDto,
  ) {
    return this.publications.publishFromClient(auth, query, body ?? {});
  }
}

/** The voucher's `publish.url`; here because publications depend on vouchers, not the reverse. */
@ApiTags('vouchers')
@Controller('v1/vouchers')
export class VoucherPublicationsController {
  constructor(private readonly publications: PublicationsService) {}

  @Get(':code/publications')
  list(@ProjectId() projectId: string, @Param('code') code: string, @Query() query: ListQueryDto) {
    return this.publications.listForVoucher(projectId, code, query);
  }
}
