import { Body, Controller, Get, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ProjectId } from '@app/tenancy';
import { CustomerIdParam } from '@app/customers';
import { CreateOrderDto, ListOrdersQueryDto, UpdateOrderDto } from './orders.dto';
import { OrdersImportService } from './orders-import.service';
import { OrdersService } from './orders.service';

@ApiTags('orders')
@Controller('v1/orders')
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly imports: OrdersImportService,
  ) {}

  @Post()
  create(@ProjectId() projectId: string, @Body() body: CreateOrderDto) {
    return this.orders.create(projectId, body);
  }

  /** Answered with 200 `{async_action_id}`, as the contract's spec gives for this endpoint. */
  @Post('import')
  @ApiBody({ type: [CreateOrderDto] })
  import(@ProjectId() projectId: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    return this.imports.start(projectId, body, String(request.id));
  }

  @Get()
  list(@ProjectId() projectId: string, @Query() query: ListOrdersQueryDto) {
    return this.orders.list(projectId, query);
  }

  @Get(':id')
  get(@ProjectId() projectId: string, @Param() params: CustomerIdParam) {
    return this.orders.get(projectId, params.id);
  }

  @Put(':id')
  update(
    @ProjectId() projectId: string,
    @Param() params: CustomerIdParam,
    @Body() body: UpdateOrderDto,
  ) {
    return this.orders.update(projectId, params.id, body);
  }
}
