import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { EventOrigin } from '@app/queue';
import { ProjectId } from '@app/tenancy';
import {
  CreateCustomerDto,
  IdOrSourceIdParam,
  ListCustomersQueryDto,
  UpdateCustomerDto,
} from './customers.dto';
import { CustomersService } from './customers.service';
import { Origin } from './event-origin.decorator';

@ApiTags('customers')
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  create(
    @ProjectId() projectId: string,
    @Body() body: CreateCustomerDto,
    @Origin() origin: EventOrigin,
  ) {
    return this.customers.create(projectId, body, origin);
  }

  @Get()
  list(@ProjectId() projectId: string, @Query() query: ListCustomersQueryDto) {
    return this.customers.list(projectId, query);
  }

  @Get(':id')
  get(@ProjectId() projectId: string, @Param() params: IdOrSourceIdParam) {
    return this.customers.get(projectId, params.id);
  }

  @Put(':id')
  update(
    @ProjectId() projectId: string,
    @Param() params: IdOrSourceIdParam,
    @Body() body: UpdateCustomerDto,
    @Origin() origin: EventOrigin,
  ) {
    return this.customers.update(projectId, params.id, body, origin);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(
    @ProjectId() projectId: string,
    @Param() params: IdOrSourceIdParam,
    @Origin() origin: EventOrigin,
  ): Promise<void> {
    return this.customers.delete(projectId, params.id, origin);
  }
}
