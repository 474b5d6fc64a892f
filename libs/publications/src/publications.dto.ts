import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  Allow,
  IsBoolean,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { IsBoundedJsonObject, ListQueryDto } from '@app/core';
import { CreateCustomerDto } from '@app/customers';

/** `join_once` arrives as a JSON boolean (SDK body) or as "true"/"false" (query string). */
const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

/** The publication request: the POST body, and the GET /v1/publications/create query. */
export class PublishRequestDto {
  @ApiPropertyOptional({
    description: 'Campaign name, or {name, count} (count 1–50); ignored when voucher is given',
    oneOf: [
      { type: 'string' },
      {
        type: 'object',
        properties: { name: { type: 'string' }, count: { type: 'integer', minimum: 1 } },
      },
    ],
  })
  @Allow()
  campaign?: unknown;

  @ApiPropertyOptional({ description: 'A specific voucher code to publish' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  voucher?: string;

  @ApiProperty({ type: CreateCustomerDto, description: 'Upserted by id or source_id' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CreateCustomerDto)
  customer: CreateCustomerDto;

  @ApiPropertyOptional({
    description: 'Idempotency key: the same source_id returns the same publication',
  })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  source_id?: string;

  @ApiPropertyOptional({ default: 'API' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  channel?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsBoundedJsonObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'The customer gets at most one code of the campaign' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  join_once?: boolean;
}

/** POST /v1/publications?join_once=true (the spec's place for the flag). */
export class PublishQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  join_once?: boolean;
}

/** POST /client/v1/publish?campaign=NAME */
export class ClientPublishQueryDto extends PublishQueryDto {
  @ApiPropertyOptional({ description: 'Campaign name' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  campaign?: string;
}

/** The client-side body: `{customer:{source_id}, channel}` as the SDK sends it. */
export class ClientPublishBodyDto {
  @ApiPropertyOptional({ type: CreateCustomerDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CreateCustomerDto)
  customer?: CreateCustomerDto;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) voucher?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 255) source_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) channel?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsBoundedJsonObject()
  metadata?: Record<string, unknown>;
}

export const PUBLICATION_ORDER_FIELDS = [
  'id',
  'voucher_code',
  'tracking_id',
  'customer_id',
  'created_at',
  'channel',
] as const;

export class ListPublicationsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: PUBLICATION_ORDER_FIELDS.flatMap((f) => [f, `-${f}`]) })
  @IsOptional()
  @IsIn(PUBLICATION_ORDER_FIELDS.flatMap((f) => [f, `-${f}`]))
  override order?: string = undefined;

  @ApiPropertyOptional({ description: 'Campaign name or id' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  campaign?: string;

  @ApiPropertyOptional({ description: 'Customer id or source_id' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  customer?: string;

  @ApiPropertyOptional({ description: 'Voucher code' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  voucher?: string;

  @ApiPropertyOptional({ enum: ['SUCCESS', 'FAILURE'] })
  @IsOptional()
  @IsIn(['SUCCESS', 'FAILURE'])
  result?: 'SUCCESS' | 'FAILURE';

  @ApiPropertyOptional({ description: 'discount | gift | loyalty | lucky_draw (any case)' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  voucher_type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  is_referral_code?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(255)
  source_id?: string;

  @ApiPropertyOptional({
    description: 'filters[field][conditions][$op][i]=value, filters[junction]=AND|OR',
  })
  @IsOptional()
  @IsObject()
  filters?: Record<string, unknown>;
}
