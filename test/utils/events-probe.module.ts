import { Body, Controller, Module, Post, Req } from '@nestjs/common';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, Max, Min } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { Errors, TransactionRunner } from '@app/core';
import { EVENT_TYPES, eventSourceOf, EventsService, EventType } from '@app/queue';
import { Auth, AuthContext } from '@app/tenancy';

class RecordEventsDto {
  @IsIn(EVENT_TYPES as unknown as string[]) type: EventType;
  @IsOptional() @IsInt() @Min(1) @Max(500) count?: number;
  @IsOptional() @IsBoolean() rollback?: boolean;
  @IsOptional() @IsObject() data?: Record<string, unknown>;
}

/**
 * Test-only route standing in for the domain modules that will record events: it writes
 * `count` events in ONE transaction, like a redemption does, and can roll it back on purpose.
 */
@Controller()
class EventsProbeController {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly events: EventsService,
  ) {}

  @Post('v1/probe/events')
  async record(
    @Body() body: RecordEventsDto,
    @Auth() auth: AuthContext,
    @Req() request: FastifyRequest,
  ) {
    const eventIds = await this.transactions.run(async (em) => {
      const ids: string[] = [];
      for (let i = 0; i < (body.count ?? 1); i++) {
        ids.push(
          await this.events.record(em, {
            projectId: auth.projectId,
            type: body.type,
            entityId: `ent_${i}`,
            data: { ...body.data, seq: i },
            source: eventSourceOf(auth),
            groupId: String(request.id),
          }),
        );
      }
      if (body.rollback) throw Errors.invalidPayload('rolled back on purpose');
      return ids;
    });
    return { event_ids: eventIds };
  }
}

@Module({ controllers: [EventsProbeController] })
export class EventsProbeModule {}
