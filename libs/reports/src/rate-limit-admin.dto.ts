import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateIf } from 'class-validator';
import { PLAN_NAMES } from '@app/rate-limit';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

export class ProjectIdParam {
  @ApiProperty()
  @IsString()
  @Length(1, 40)
  id: string;
}

export class RateLimitStatusQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

/** A field absent keeps its current value; `null` falls back to the plan. */
export class UpdateRateLimitPolicyDto {
  @ApiPropertyOptional({ enum: PLAN_NAMES })
  @IsOptional()
  @IsIn(PLAN_NAMES)
  plan?: string;

  @ApiPropertyOptional({ nullable: true, minimum: 1, type: Number })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsInt()
  @Min(1)
  per_minute?: number | null;

  @ApiPropertyOptional({ nullable: true, minimum: 1, type: Number })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsInt()
  @Min(1)
  burst?: number | null;

  @ApiPropertyOptional({ nullable: true, minimum: 1, type: Number })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsInt()
  @Min(1)
  inflight_max?: number | null;
}

export class RateLimitPolicyResponse {
  @ApiProperty({ example: 'rate_limit_policy' }) object: string;
  @ApiProperty() project_id: string;
  @ApiProperty({ enum: PLAN_NAMES }) plan: string;
  @ApiProperty() per_minute: number;
  @ApiProperty() burst: number;
  @ApiProperty() inflight_max: number;
  @ApiProperty({ description: 'Whether the project has a stored override' }) overridden: boolean;
}

export class LimitedProjectResponse {
  @ApiProperty() project_id: string;
  @ApiProperty({ description: 'Requests the shared limiter rejected (429) in the window' })
  limited: number;
  @ApiProperty({ description: 'Requests refused by the in-flight cap' })
  concurrency_limited: number;
  @ApiProperty({ description: 'Requests answered 429 from the block cache' })
  blocked_early: number;
  @ApiProperty() total: number;
  @ApiProperty() last_rejected_at: string;
  @ApiProperty({ nullable: true, type: String, description: 'While its key is blocked' })
  blocked_until: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The limit last hit' })
  limit_name: string | null;
}

export class RateLimitStatusResponse {
  @ApiProperty({ example: 'rate_limit_status' }) object: string;
  @ApiProperty({
    description: 'The state is this process’s own (each API instance answers for itself)',
  })
  generated_at: string;
  @ApiProperty() enabled: boolean;
  @ApiProperty() window_seconds: number;
  @ApiProperty({ description: '0 = nothing shed; 1 bulk; 2 + read; 3 + write; 4 + critical' })
  shed_level: number;
  @ApiProperty({ enum: ['closed', 'open', 'half_open'] }) redis_breaker: string;
  @ApiProperty() blocked_keys: number;
  @ApiProperty({
    description: 'Decisions since start by route class and outcome (shed included)',
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: { type: 'integer' } },
  })
  decisions: Record<string, Record<string, number>>;
  @ApiProperty({ type: [LimitedProjectResponse] }) projects: LimitedProjectResponse[];
}
