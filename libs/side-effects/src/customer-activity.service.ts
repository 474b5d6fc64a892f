import { Injectable } from '@nestjs/common';
import { Errors, isoOrNull } from '@app/core';
import { CustomersService } from '@app/customers';
import type { CustomerActivityEntity } from './customer-activity.entity';
import type { ListActivityQueryDto } from './customer-activity.dto';
import { SideEffectsRepository } from './side-effects.repository';

export function serializeActivity(a: CustomerActivityEntity) {
  return {
    id: a.id,
    type: a.type,
    data: a.data,
    group_id: a.groupId,
    created_at: isoOrNull(a.createdAt),
    object: 'customer_activity' as const,
  };
}

@Injectable()
export class CustomerActivityService {
  constructor(
    private readonly customers: CustomersService,
    private readonly repository: SideEffectsRepository,
  ) {}

  /** A cursor list: `has_more` and `more_starting_after` (the last entry's id) as in the contract. */
  async list(projectId: string, idOrSourceId: string, query: ListActivityQueryDto) {
    const customerId = await this.customers.resolveId(projectId, idOrSourceId);
    const limit = query.limit ?? 10;
    let after: { createdAt: Date; id: string } | undefined;
    if (query.starting_after_id !== undefined) {
      const anchor = await this.repository.findActivity(
        projectId,
        customerId,
        query.starting_after_id,
      );
      if (!anchor)
        throw Errors.invalidQueryParams(
          `Property .starting_after_id: ${query.starting_after_id} is not an activity of this customer`,
        );
      after = { createdAt: anchor.createdAt, id: anchor.id };
    }
    const rows = await this.repository.listActivities({
      projectId,
      customerId,
      limit,
      ascending: query.order === 'created_at',
      after,
      type: query.type,
      startDate: query.start_date ? new Date(query.start_date) : undefined,
      endDate: query.end_date ? new Date(query.end_date) : undefined,
    });
    const page = rows.slice(0, limit);
    const hasMore = rows.length > limit;
    return {
      object: 'list' as const,
      data_ref: 'data' as const,
      data: page.map(serializeActivity),
      has_more: hasMore,
      ...(hasMore ? { more_starting_after: page[page.length - 1].id } : {}),
    };
  }
}
