import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ProjectId } from '@app/tenancy';
import {
  CreateCustomerDto,
  CustomerIdParam,
  ListCustomersQueryDto,
  UpdateCustomerDto,
} from './customers.dto';
import { CustomersService } from './customers.service';

@ApiTags('customers')
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  create(@ProjectId() projectId: string, @Body() body: CreateCustomerDto) {
    return this.customers.create(projectId, body);
  }

  @Get()
  list(@ProjectId() projectId: string, @Query() query: ListCustomersQueryDto) {
    return this.customers.list(projectId, query);
  }

  @Get(':id')
  get(@ProjectId() projectId: string, @Param() params: CustomerIdParam) {
    return this.customers.get(projectId, params.id);
  }

  @Put(':id')
  update(
    @ProjectId() projectId: string,
    @Param() params: CustomerIdParam,
    @Body() body: UpdateCustomerDto,
  ) {
    return this.customers.update(projectId, params.id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@ProjectId() projectId: string, @Param() params: CustomerIdParam): Promise<void> {
    return this.customers.delete(projectId, params.id);
  }
}
