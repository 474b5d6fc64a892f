import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsBoundedJsonObject, ListQueryDto } from '@app/core';
import { CreateCustomerDto, DateRangeDto } from '@app/customers';
import { CreateOrderDto } from '@app/orders';
import { SESSION_TTL_UNITS } from './redeemable-checks';

export const MAX_REDEEMABLES = 30;
const MAX_MONEY = Number.MAX_SAFE_INTEGER;

export class SessionDto {
  @ApiPropertyOptional({ enum: ['LOCK'] })
  @IsOptional()
  @IsIn(['LOCK'])
  type?: 'LOCK';

  @ApiPropertyOptional({ example: 'ssn_pkJfPcWAgp9WyHpA62Eky8X8SzxpKub2' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  key?: string;

  @ApiPropertyOptional({ example: 7 })
  @IsOptional()
  @IsNumber()
  @Min(1)
  ttl?: number;

  @ApiPropertyOptional({ enum: SESSION_TTL_UNITS, default: 'DAYS' })
  @IsOptional()
  @IsIn(SESSION_TTL_UNITS)
  ttl_unit?: string;
}

export class GiftCreditsDto {
  @ApiPropertyOptional({ description: 'cents of the gift balance to use' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  credits?: number;
}

export class StackingRulesDto {
  @ApiPropertyOptional({ enum: ['ALL', 'PARTIAL'], default: 'ALL' })
  @IsOptional()
  @IsIn(['ALL', 'PARTIAL'])
  redeemables_application_mode?: 'ALL' | 'PARTIAL';

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_REDEEMABLES, default: 5 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_REDEEMABLES)
  applicable_redeemables_limit?: number;
}

/** What validations and redemptions share: who, what order, and the request's own data. */
export class RedemptionContextDto {
  @ApiPropertyOptional({ type: CreateCustomerDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CreateCustomerDto)
  customer?: CreateCustomerDto;

  @ApiPropertyOptional({ type: CreateOrderDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CreateOrderDto)
  order?: CreateOrderDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsBoundedJsonObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(255)
  tracking_id?: string;

  @ApiPropertyOptional({ type: SessionDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SessionDto)
  session?: SessionDto;
}

/** POST /v1/vouchers/:code/validate and /redemption (the legacy per-voucher body). */
export class VoucherRequestDto extends RedemptionContextDto {
  @ApiPropertyOptional({ type: GiftCreditsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => GiftCreditsDto)
  gift?: GiftCreditsDto;

  @ApiPropertyOptional({ description: 'loyalty rewards (not supported yet)' })
  @IsOptional()
  @IsObject()
  reward?: Record<string, unknown>;
}

export class RedeemableDto {
  @ApiProperty({ enum: ['voucher', 'promotion_tier', 'promotion_stack'] })
  @IsIn(['voucher', 'promotion_tier', 'promotion_stack'])
  object: 'voucher' | 'promotion_tier' | 'promotion_stack';

  @ApiProperty({ example: 'SUMMER10' })
  @IsString()
  @Length(1, 255)
  id: string;

  @ApiPropertyOptional({ type: GiftCreditsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => GiftCreditsDto)
  gift?: GiftCreditsDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsObject()
  reward?: Record<string, unknown>;
}

/** POST /v1/validations and /v1/redemptions. */
export class StackableRequestDto extends RedemptionContextDto {
  @ApiProperty({ type: [RedeemableDto], maxItems: MAX_REDEEMABLES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_REDEEMABLES)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RedeemableDto)
  redeemables: RedeemableDto[];

  @ApiPropertyOptional({ description: 'e.g. {expand:["order","redeemable"]}' })
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: StackingRulesDto,
    description: 'Beyond the contract: per-request stacking rules (default ALL, limit 5)',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => StackingRulesDto)
  stacking_rules?: StackingRulesDto;
}

export class RollbackQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) reason?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) tracking_id?: string;
}

/** Rollback body: the SDK sends `{customer}`; the newer spec also reason/tracking_id. */
export class RollbackBodyDto extends RollbackQueryDto {
  @ApiPropertyOptional({ type: CreateCustomerDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CreateCustomerDto)
  customer?: CreateCustomerDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  order?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsBoundedJsonObject()
  metadata?: Record<string, unknown>;
}

export const REDEMPTION_ORDER_FIELDS = [
  'created_at',
  'id',
  'voucher_code',
  'tracking_id',
  'customer_id',
] as const;

export class ListRedemptionsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ['SUCCESS', 'FAILURE'] })
  @IsOptional()
  @IsIn(['SUCCESS', 'FAILURE'])
  result?: 'SUCCESS' | 'FAILURE';

  @ApiPropertyOptional({ description: 'customer id or source_id' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  customer?: string;

  @ApiPropertyOptional({ description: 'campaign name or id' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  campaign?: string;

  @ApiPropertyOptional({ description: 'voucher code or id' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  voucher?: string;

  @ApiPropertyOptional({ description: 'order id' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  order_id?: string;

  @ApiPropertyOptional({ type: DateRangeDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DateRangeDto)
  created_at?: DateRangeDto;
}

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/** GET /client/v1/validate: the client SDK's query form (`item[0][product_id]=…`). */
export class ClientValidateQueryDto {
  @ApiProperty() @IsString() @Length(1, 255) code: string;

  @ApiPropertyOptional({ description: 'order amount, cents' })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  amount?: number;

  @ApiPropertyOptional({ description: 'order items: item[0][product_id]=…&item[0][quantity]=…' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsObject({ each: true })
  item?: Record<string, unknown>[];

  @ApiPropertyOptional({ description: 'customer[source_id]=…' })
  @IsOptional()
  @IsObject()
  customer?: Record<string, unknown>;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) tracking_id?: string;

  @ApiPropertyOptional({ description: 'metadata[key]=…' })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

export class ClientRedeemQueryDto {
  @ApiProperty() @IsString() @Length(1, 255) code: string;
}
