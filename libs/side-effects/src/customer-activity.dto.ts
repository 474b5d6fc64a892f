import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/** Query of `GET /v1/customers/:id/activity` (the SDK's `customers.listActivity`). */
export class ListActivityQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ enum: ['created_at', '-created_at'], default: '-created_at' })
  @IsOptional()
  @IsIn(['created_at', '-created_at'])
  order?: 'created_at' | '-created_at';

  @ApiPropertyOptional({ description: 'The `more_starting_after` of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^evcus_[A-Za-z0-9]{1,40}$/)
  starting_after_id?: string;

  @ApiPropertyOptional({ example: 'customer.order.paid' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_.]{1,80}$/)
  type?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, inclusive' })
  @IsOptional()
  @IsISO8601({ strict: true })
  start_date?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, inclusive' })
  @IsOptional()
  @IsISO8601({ strict: true })
  end_date?: string;
}
