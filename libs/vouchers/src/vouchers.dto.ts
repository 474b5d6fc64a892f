import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { ListQueryDto } from '@app/core';

/** Metadata: a JSON object (never an array or scalar) of at most this many bytes serialised. */
export const METADATA_MAX_BYTES = 16_384;
/** Printable characters only (no control or format characters), 1–100 of them. */
export const CODE_REGEX = /^[^\p{C}]{1,100}$/u;
const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const ISO_STRICT = { strict: true, strictSeparator: true };
export const MAX_INT = 2_147_483_647;
/** Money is integer cents; bounded so sums stay exact in a double. */
export const MAX_MONEY = 1e13;
export const DISCOUNT_TYPES = ['AMOUNT', 'PERCENT', 'FIXED', 'UNIT'] as const;
export const VOUCHER_TYPES = ['DISCOUNT_VOUCHER', 'GIFT_VOUCHER', 'LOYALTY_CARD'] as const;
export const CAMPAIGN_TYPES = [
  'DISCOUNT_COUPONS',
  'GIFT_VOUCHERS',
  'LOYALTY_PROGRAM',
  'PROMOTION',
  'REFERRAL_PROGRAM',
] as const;
export const CAMPAIGN_KINDS = ['AUTO_UPDATE', 'STATIC', 'STANDALONE'] as const;

export function IsMetadata(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isMetadata',
      target: object.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be a JSON object of at most ${METADATA_MAX_BYTES} bytes`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          value === null ||
          value === undefined ||
          (typeof value === 'object' &&
            !Array.isArray(value) &&
            Buffer.byteLength(JSON.stringify(value)) <= METADATA_MAX_BYTES),
      },
    });
}

export class CodeConfigDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 8 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  length?: number | null;

  @ApiPropertyOptional({
    description: 'Characters a code may use',
    default: 'ABCDEFGHJKMNPQRSTUVWXYZ23456789',
  })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  @Matches(/^[\x21-\x7E]+$/, {
    message: 'charset must contain printable ASCII characters without spaces',
  })
  charset?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(/^[^\p{C}]{0,99}$/u, { message: 'prefix must be at most 99 printable characters' })
  prefix?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(/^[^\p{C}]{0,99}$/u, { message: 'postfix must be at most 99 printable characters' })
  postfix?: string | null;

  @ApiPropertyOptional({ description: 'Alias of postfix (the SDK type names it suffix)' })
  @IsOptional()
  @IsString()
  @Matches(/^[^\p{C}]{0,99}$/u, { message: 'suffix must be at most 99 printable characters' })
  suffix?: string | null;

  @ApiPropertyOptional({ example: 'GIFT-####-####' })
  @IsOptional()
  @IsString()
  @Matches(/^[^\p{C}]*#[^\p{C}]*$/u, {
    message: 'pattern must contain at least one # and printable characters only',
  })
  @MaxLength(100)
  pattern?: string | null;
}

class RefDto {
  @IsOptional() @IsString() @MaxLength(200) id?: string;
  @IsOptional() @IsString() @MaxLength(200) source_id?: string;
  @IsOptional() @IsString() @MaxLength(200) name?: string;
  @IsOptional() @IsString() @MaxLength(200) sku?: string;
}

export class DiscountDto {
  @ApiProperty({ enum: DISCOUNT_TYPES })
  @IsIn(DISCOUNT_TYPES)
  type: (typeof DISCOUNT_TYPES)[number];

  @ApiPropertyOptional({ description: 'cents' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  amount_off?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  percent_off?: number;

  @ApiPropertyOptional({ description: 'cents' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  amount_limit?: number;

  @ApiPropertyOptional({ description: 'cents' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  aggregated_amount_limit?: number;

  @ApiPropertyOptional({ description: 'cents' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  fixed_amount?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_INT)
  unit_off?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  unit_type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(60)
  effect?: string;

  @IsOptional() @IsString() @MaxLength(1000) amount_off_formula?: string;
  @IsOptional() @IsString() @MaxLength(1000) percent_off_formula?: string;
  @IsOptional() @IsString() @MaxLength(1000) fixed_amount_formula?: string;
  @IsOptional() @IsString() @MaxLength(1000) unit_off_formula?: string;
  @IsOptional() @IsBoolean() is_dynamic?: boolean;

  @IsOptional() @IsObject() @ValidateNested() @Type(() => RefDto) product?: RefDto;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => RefDto) sku?: RefDto;
}

export class GiftDto {
  @ApiProperty({ description: 'cents' })
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  amount: number;

  @ApiPropertyOptional({ description: 'cents; ignored on create (the balance starts at amount)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  balance?: number;

  @ApiPropertyOptional({ enum: ['APPLY_TO_ORDER', 'APPLY_TO_ITEMS'] })
  @IsOptional()
  @IsIn(['APPLY_TO_ORDER', 'APPLY_TO_ITEMS'])
  effect?: string;
}

export class RedemptionDto {
  @ApiPropertyOptional({ nullable: true, description: 'null = unlimited' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_INT)
  quantity?: number | null;
}

export class PublishDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_INT)
  count?: number;
}

export class ValidityTimeframeDto {
  @ApiPropertyOptional({ example: 'P2D' })
  @IsOptional()
  @IsString()
  @Matches(ISO_DURATION, { message: 'interval must be an ISO 8601 duration' })
  interval?: string;

  @ApiPropertyOptional({ example: 'PT1H' })
  @IsOptional()
  @IsString()
  @Matches(ISO_DURATION, { message: 'duration must be an ISO 8601 duration' })
  duration?: string;
}

export class DailyHoursDto {
  @IsString() @Matches(HH_MM, { message: 'start_time must be HH:mm' }) start_time: string;
  @IsString() @Matches(HH_MM, { message: 'expiration_time must be HH:mm' }) expiration_time: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(7)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(6, { each: true })
  days_of_week?: number[];
}

export class ValidityHoursDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => DailyHoursDto)
  daily?: DailyHoursDto[];
}

/** Fields shared by voucher create and update, and by imports. */
export class VoucherFieldsDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  category?: string | null;

  @IsOptional() @IsString() @MaxLength(200) category_id?: string | null;

  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601(ISO_STRICT)
  start_date?: string | null;

  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601(ISO_STRICT)
  expiration_date?: string | null;

  @ApiPropertyOptional({ type: ValidityTimeframeDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ValidityTimeframeDto)
  validity_timeframe?: ValidityTimeframeDto | null;

  @ApiPropertyOptional({ type: [Number], description: '0 = Sunday … 6 = Saturday', nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(7)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(6, { each: true })
  validity_day_of_week?: number[] | null;

  @ApiPropertyOptional({ type: ValidityHoursDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ValidityHoursDto)
  validity_hours?: ValidityHoursDto | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ maxLength: 1000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  additional_info?: string | null;

  @ApiPropertyOptional({ type: Object })
  @IsOptional()
  @IsMetadata()
  metadata?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: RedemptionDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RedemptionDto)
  redemption?: RedemptionDto;

  @ApiPropertyOptional({ type: DiscountDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DiscountDto)
  discount?: DiscountDto;

  @ApiPropertyOptional({ type: GiftDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => GiftDto)
  gift?: GiftDto;

  @ApiPropertyOptional({ type: Object, description: 'Not supported yet (400)' })
  @IsOptional()
  @IsObject()
  loyalty_card?: Record<string, unknown>;

  @ApiPropertyOptional({ type: PublishDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PublishDto)
  publish?: PublishDto;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  holder_id?: string | null;

  @ApiPropertyOptional({ type: [String], description: 'val_ ids' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  validation_rules?: string[];

  @IsOptional() @IsBoolean() is_referral_code?: boolean;
}

export class CreateVoucherDto extends VoucherFieldsDto {
  @ApiPropertyOptional({ description: 'Ignored on POST /v1/vouchers/{code}: the path wins' })
  @IsOptional()
  @IsString()
  @Matches(CODE_REGEX, { message: 'code must be 1-100 printable characters' })
  code?: string;

  @ApiPropertyOptional({ enum: VOUCHER_TYPES })
  @IsOptional()
  @IsIn(VOUCHER_TYPES)
  type?: (typeof VOUCHER_TYPES)[number];

  @ApiPropertyOptional({ type: CodeConfigDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CodeConfigDto)
  code_config?: CodeConfigDto;

  @ApiPropertyOptional({ description: 'Campaign name or id to attach the voucher to' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  campaign?: string | null;

  @IsOptional() @IsString() @MaxLength(40) campaign_id?: string | null;
}

export class UpdateVoucherDto extends VoucherFieldsDto {
  @ApiPropertyOptional({ enum: VOUCHER_TYPES, description: 'Cannot change' })
  @IsOptional()
  @IsIn(VOUCHER_TYPES)
  type?: (typeof VOUCHER_TYPES)[number];
}

export class BalanceDto {
  @ApiProperty({ description: 'Signed cents: positive adds, negative removes' })
  @IsInt()
  @Min(-MAX_MONEY)
  @Max(MAX_MONEY)
  amount: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  source_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class DateRangeDto {
  @IsOptional() @IsISO8601() before?: string;
  @IsOptional() @IsISO8601() after?: string;
}

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' || value === true ? true : value === 'false' || value === false ? false : value;

export class DeleteQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  force?: boolean;
}

export class ListVouchersQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ description: 'Campaign name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  campaign?: string;

  @IsOptional() @IsString() @MaxLength(40) campaign_id?: string;
  @IsOptional() @IsString() @MaxLength(200) category?: string;

  @ApiPropertyOptional({ description: 'Holder: customer id or source_id' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  customer?: string;

  @IsOptional() @IsString() @MaxLength(100) code?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',') : value,
  )
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  ids?: string[];

  @IsOptional() @IsObject() @ValidateNested() @Type(() => DateRangeDto) created_at?: DateRangeDto;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => DateRangeDto) updated_at?: DateRangeDto;

  @ApiPropertyOptional({
    description: 'filters[field][conditions][$op][i]=value, filters[junction]=AND|OR',
  })
  @IsOptional()
  @IsObject()
  filters?: Record<string, unknown>;
}

export class ListTransactionsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === undefined || value === '' ? undefined : Number(value),
  )
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ enum: ['id', '-id'], default: '-id' })
  @IsOptional()
  @IsIn(['id', '-id'])
  order?: 'id' | '-id';

  @IsOptional() @IsString() @MaxLength(40) starting_after_id?: string;
}

/** The campaign's voucher template. */
export class CampaignVoucherDto {
  @ApiPropertyOptional({ enum: VOUCHER_TYPES })
  @IsOptional()
  @IsIn(VOUCHER_TYPES)
  type?: (typeof VOUCHER_TYPES)[number];

  @IsOptional() @IsObject() @ValidateNested() @Type(() => DiscountDto) discount?: DiscountDto;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GiftDto) gift?: GiftDto;
  @IsOptional() @IsObject() loyalty_card?: Record<string, unknown>;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => RedemptionDto) redemption?: RedemptionDto;
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CodeConfigDto)
  code_config?: CodeConfigDto;
  @IsOptional() @IsBoolean() is_referral_code?: boolean;
}

/** Campaign fields that may be set on create and changed on update. */
export class CampaignFieldsDto {
  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @IsOptional() @IsISO8601(ISO_STRICT) start_date?: string | null;
  @IsOptional() @IsISO8601(ISO_STRICT) expiration_date?: string | null;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ValidityTimeframeDto)
  validity_timeframe?: ValidityTimeframeDto | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(7)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(6, { each: true })
  validity_day_of_week?: number[] | null;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ValidityHoursDto)
  validity_hours?: ValidityHoursDto | null;

  @IsOptional() @IsBoolean() join_once?: boolean;
  @IsOptional() @IsBoolean() auto_join?: boolean;
  @IsOptional() @IsBoolean() use_voucher_metadata_schema?: boolean;

  @IsOptional()
  @IsString()
  @Matches(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, {
    message: 'activity_duration_after_publishing must be an ISO 8601 duration',
  })
  activity_duration_after_publishing?: string | null;

  @IsOptional() @IsString() @MaxLength(200) category?: string | null;
  @IsOptional() @IsString() @MaxLength(200) category_id?: string | null;
  @IsOptional() @IsMetadata() metadata?: Record<string, unknown> | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  validation_rules?: string[];
}

export class CreateCampaignDto extends CampaignFieldsDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @Matches(/^[^\p{C}]{1,200}$/u, { message: 'name must be 1-200 printable characters' })
  name: string;

  @ApiPropertyOptional({ enum: CAMPAIGN_TYPES, default: 'DISCOUNT_COUPONS' })
  @IsOptional()
  @IsIn(CAMPAIGN_TYPES)
  campaign_type?: (typeof CAMPAIGN_TYPES)[number];

  @ApiPropertyOptional({ enum: CAMPAIGN_KINDS, default: 'AUTO_UPDATE' })
  @IsOptional()
  @IsIn(CAMPAIGN_KINDS)
  type?: (typeof CAMPAIGN_KINDS)[number];

  @ApiPropertyOptional({ minimum: 0, maximum: 10_000_000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  vouchers_count?: number;

  @ApiPropertyOptional({ type: CampaignVoucherDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CampaignVoucherDto)
  voucher?: CampaignVoucherDto;

  @IsOptional() @IsBoolean() active?: boolean;
}

export class UpdateCampaignDto extends CampaignFieldsDto {
  @ApiPropertyOptional({ enum: ['AUTO_UPDATE', 'STATIC'] })
  @IsOptional()
  @IsIn(['AUTO_UPDATE', 'STATIC'])
  type?: 'AUTO_UPDATE' | 'STATIC';
}

export class ListCampaignsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: CAMPAIGN_TYPES })
  @IsOptional()
  @IsIn(CAMPAIGN_TYPES)
  campaign_type?: string;

  @IsOptional() @IsObject() filters?: Record<string, unknown>;
}

export class AddVouchersQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1_000_000, default: 1 })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === undefined || value === '' ? undefined : Number(value),
  )
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  vouchers_count?: number;
}

/** Per-voucher overrides when adding vouchers to a campaign. */
export class AddCampaignVoucherDto {
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CodeConfigDto)
  code_config?: CodeConfigDto;
  @IsOptional() @IsString() @MaxLength(200) category?: string | null;
  @IsOptional() @IsMetadata() metadata?: Record<string, unknown> | null;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => RedemptionDto) redemption?: RedemptionDto;
  @IsOptional() @IsString() @MaxLength(1000) additional_info?: string | null;
  @IsOptional() @IsISO8601(ISO_STRICT) start_date?: string | null;
  @IsOptional() @IsISO8601(ISO_STRICT) expiration_date?: string | null;
  @IsOptional() @IsBoolean() active?: boolean;
}

/** One row of a JSON or CSV import. */
export class ImportVoucherDto extends VoucherFieldsDto {
  @ApiProperty()
  @IsString()
  @Matches(CODE_REGEX, { message: 'code must be 1-100 printable characters' })
  code: string;

  @IsOptional() @IsIn(VOUCHER_TYPES) type?: (typeof VOUCHER_TYPES)[number];
}
