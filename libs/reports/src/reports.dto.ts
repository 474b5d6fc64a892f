import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

export class RangeQueryDto {
  @ApiPropertyOptional({ description: 'ISO 8601; buckets starting at or after it are counted' })
  @IsOptional()
  @IsISO8601({ strict: true })
  start_date?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, exclusive: buckets starting before it' })
  @IsOptional()
  @IsISO8601({ strict: true })
  end_date?: string;
}

export class CampaignIdParam {
  @ApiProperty({ description: 'Campaign id or name' })
  @IsString()
  @Length(1, 200)
  id: string;
}

export class SeriesQueryDto extends RangeQueryDto {
  @ApiPropertyOptional({ enum: ['hour', 'day'], default: 'day' })
  @IsOptional()
  @IsIn(['hour', 'day'])
  granularity?: 'hour' | 'day';

  @ApiPropertyOptional({ description: 'Campaign id or name; the whole project when absent' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  campaign?: string;
}

export class TopQueryDto extends RangeQueryDto {
  @ApiPropertyOptional({ description: 'Campaign id or name; the whole project when absent' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  campaign?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class RedemptionCountsResponse {
  @ApiProperty() succeeded: number;
  @ApiProperty() failed: number;
  @ApiProperty() rolled_back: number;
}

export class CampaignSummaryResponse {
  @ApiProperty({ example: 'campaign_summary' }) object: string;
  @ApiProperty() campaign_id: string;
  @ApiProperty() campaign_name: string;
  @ApiProperty({ nullable: true, type: String }) start_date: string | null;
  @ApiProperty() end_date: string;
  @ApiProperty({ description: 'Codes created in the range' }) codes_generated: number;
  @ApiProperty({ description: 'Codes handed out by publications in the range' })
  codes_published: number;
  @ApiProperty() redeemed: number;
  @ApiProperty() rolled_back: number;
  @ApiProperty() failed: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } })
  failures_by_code: Record<string, number>;
  @ApiProperty({ description: 'Cents, of non-stacked redemptions' }) discount_amount: number;
  @ApiProperty({ description: 'Cents' }) rolled_back_discount_amount: number;
  @ApiProperty({ description: 'Gift credits used, cents' }) gift_amount: number;
  @ApiProperty({ description: 'Gift credits returned by rollbacks, cents' })
  rolled_back_gift_amount: number;
}

export class SeriesBucketResponse extends RedemptionCountsResponse {
  @ApiProperty({ description: 'ISO 8601 start of the bucket (UTC)' }) bucket: string;
}

export class RedemptionSeriesResponse {
  @ApiProperty({ example: 'redemptions_report' }) object: string;
  @ApiProperty({ enum: ['hour', 'day'] }) granularity: string;
  @ApiProperty() start_date: string;
  @ApiProperty() end_date: string;
  @ApiProperty({ nullable: true, type: String }) campaign_id: string | null;
  @ApiProperty({ type: RedemptionCountsResponse }) total: RedemptionCountsResponse;
  @ApiProperty({ type: [SeriesBucketResponse] }) data: SeriesBucketResponse[];
}

export class TopEntryResponse {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true, type: String, description: 'Voucher code or customer source_id' })
  label: string | null;
  @ApiProperty({ type: RedemptionCountsResponse }) redemptions: RedemptionCountsResponse;
}

export class TopResponse {
  @ApiProperty({ example: 'list' }) object: string;
  @ApiProperty({ enum: ['vouchers', 'customers'] }) data_ref: string;
  @ApiProperty() start_date: string;
  @ApiProperty() end_date: string;
  @ApiProperty({ type: [TopEntryResponse] }) data: TopEntryResponse[];
}
