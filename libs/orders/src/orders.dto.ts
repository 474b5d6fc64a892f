import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsBoundedJsonObject, ListQueryDto } from '@app/core';
import { CreateCustomerDto, DateRangeDto } from '@app/customers';
import { ORDER_STATUSES, OrderStatus } from './order.entity';

/** Money: integer cents, non-negative, comfortably inside both bigint and 2^53. */
export const MAX_MONEY = 1e13;
export const MAX_QUANTITY = 1_000_000;
export const MAX_ITEMS = 500;

/** Optional, but `null` is not a value: it fails validation instead of reaching the database. */
const IsOptionalNotNull = () => ValidateIf((_: object, value: unknown) => value !== undefined);

const Money = () => (target: object, key: string) => {
  IsOptionalNotNull()(target, key);
  IsInt()(target, key);
  Min(0)(target, key);
  Max(MAX_MONEY)(target, key);
};

const Quantity = () => (target: object, key: string) => {
  IsOptionalNotNull()(target, key);
  IsInt()(target, key);
  Min(0)(target, key);
  Max(MAX_QUANTITY)(target, key);
};

const Ref =
  (max = 255) =>
  (target: object, key: string) => {
    IsOptional()(target, key);
    IsString()(target, key);
    Length(1, max)(target, key);
  };

export class OrderItemProductDto {
  @ApiPropertyOptional() @Ref() id?: string;
  @ApiPropertyOptional() @Ref() source_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() override?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) name?: string;
  @ApiPropertyOptional() @Money() price?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsBoundedJsonObject(4096)
  metadata?: Record<string, unknown>;
}

export class OrderItemSkuDto {
  @ApiPropertyOptional() @Ref() id?: string;
  @ApiPropertyOptional() @Ref() source_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() override?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) sku?: string;
  @ApiPropertyOptional() @Money() price?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsBoundedJsonObject(4096)
  metadata?: Record<string, unknown>;
}

export class OrderItemDto {
  @ApiPropertyOptional() @Ref() sku_id?: string;
  @ApiPropertyOptional() @Ref() product_id?: string;
  @ApiPropertyOptional({ enum: ['product', 'sku'] })
  @IsOptionalNotNull()
  @IsIn(['product', 'sku'])
  related_object?: 'product' | 'sku';
  @ApiPropertyOptional() @Ref() source_id?: string;
  @ApiPropertyOptional() @Quantity() quantity?: number;
  @ApiPropertyOptional() @Quantity() discount_quantity?: number;
  @ApiPropertyOptional() @Quantity() initial_quantity?: number;
  @ApiPropertyOptional({ description: 'cents' }) @Money() price?: number;
  @ApiPropertyOptional({ description: 'cents; price × quantity when absent' })
  @Money()
  amount?: number;
  @ApiPropertyOptional() @Money() discount_amount?: number;
  @ApiPropertyOptional() @Money() initial_amount?: number;

  @ApiPropertyOptional({ type: OrderItemProductDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => OrderItemProductDto)
  product?: OrderItemProductDto;

  @ApiPropertyOptional({ type: OrderItemSkuDto })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => OrderItemSkuDto)
  sku?: OrderItemSkuDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsBoundedJsonObject(4096)
  metadata?: Record<string, unknown>;
}

/** The body of PUT /v1/orders/:id (the SDK removes `id`; `source_id` may stay). */
export class UpdateOrderDto {
  @ApiPropertyOptional() @Ref() source_id?: string | null;

  @ApiPropertyOptional({ enum: ORDER_STATUSES })
  @IsOptionalNotNull()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  @ApiPropertyOptional({ description: 'cents; the sum of item amounts when absent' })
  @Money()
  amount?: number;

  @ApiPropertyOptional() @Money() initial_amount?: number;
  @ApiPropertyOptional() @Money() discount_amount?: number;

  @ApiPropertyOptional({ type: [OrderItemDto], maxItems: MAX_ITEMS })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_ITEMS)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items?: OrderItemDto[];

  @ApiPropertyOptional({ type: CreateCustomerDto, description: 'Upserted with the order' })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => CreateCustomerDto)
  customer?: CreateCustomerDto;

  @ApiPropertyOptional({ type: CreateCustomerDto, description: 'Upserted with the order' })
  @IsOptionalNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => CreateCustomerDto)
  referrer?: CreateCustomerDto;

  @ApiPropertyOptional({ nullable: true, type: 'object', additionalProperties: true })
  @IsOptional()
  @IsBoundedJsonObject()
  metadata?: Record<string, unknown> | null;
}

/** Create body: an upsert by `id` or `source_id`; also one row of POST /v1/orders/import. */
export class CreateOrderDto extends UpdateOrderDto {
  @ApiPropertyOptional({ example: 'ord_cRKOEXiBOj0EZKF7g9n6l0eH' })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 255)
  id?: string;

  @ApiPropertyOptional({
    description: 'ISO 8601; honoured when the order is first created (imports)',
  })
  @IsOptionalNotNull()
  @IsString()
  @IsISO8601({ strict: true })
  created_at?: string;
}

export const ORDER_ORDER_FIELDS = ['created_at', 'updated_at'] as const;

export class ListOrdersQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ORDER_ORDER_FIELDS.flatMap((f) => [f, `-${f}`]) })
  @IsOptional()
  @IsIn(ORDER_ORDER_FIELDS.flatMap((f) => [f, `-${f}`]))
  override order?: string = undefined;

  @ApiPropertyOptional({ type: DateRangeDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DateRangeDto)
  created_at?: DateRangeDto;

  @ApiPropertyOptional({ type: DateRangeDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DateRangeDto)
  updated_at?: DateRangeDto;
}

export const MAX_IMPORT_ORDERS = 2000;
