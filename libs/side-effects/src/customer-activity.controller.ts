import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IdOrSourceIdParam } from '@app/customers';
import { ProjectId } from '@app/tenancy';
import { ListActivityQueryDto } from './customer-activity.dto';
import { CustomerActivityService } from './customer-activity.service';

@ApiTags('customers')
@Controller('v1/customers')
export class CustomerActivityController {
  constructor(private readonly activity: CustomerActivityService) {}

  @Get(':id/activity')
  list(
    @ProjectId() projectId: string,
    @Param() params: IdOrSourceIdParam,
    @Query() query: ListActivityQueryDto,
  ) {
    return this.activity.list(projectId, params.id, query);
  }
}
