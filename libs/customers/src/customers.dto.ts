import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsBoundedJsonObject, ListQueryDto } from '@app/core';

export class CustomerAddressDto {
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(255) city?:
    string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(255) state?:
    string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(255) line_1?:
    string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(255) line_2?:
    string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(255) country?:
    string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(64) postal_code?:
    string | null;
}

/**
 * The writable customer fields. `null` clears a field; an absent field is left as it is
 * (both on create-as-upsert and on update).
 */
export class CustomerFieldsDto {
  @ApiPropertyOptional({ nullable: true, maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  name?: string | null;

  @ApiPropertyOptional({ nullable: true, example: 'bob@example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  @IsEmail()
  email?: string | null;

  @ApiPropertyOptional({ nullable: true, maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  phone?: string | null;

  @ApiPropertyOptional({ nullable: true, maxLength: 4096 })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  description?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '1990-01-31', description: 'YYYY-MM-DD' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'birthdate must be a date in the form YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'birthdate must be a valid calendar date' })
  birthdate?: string | null;

  @ApiPropertyOptional({ type: CustomerAddressDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CustomerAddressDto)
  address?: CustomerAddressDto | null;

  @ApiPropertyOptional({ nullable: true, type: 'object', additionalProperties: true })
  @IsOptional()
  @IsBoundedJsonObject()
  metadata?: Record<string, unknown> | null;
}

/** Update body. The SDK sends `source_id` when it addressed the customer by it. */
export class UpdateCustomerDto extends CustomerFieldsDto {
  @ApiPropertyOptional({
    description: 'Accepted when equal to the stored value; immutable once set',
  })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  source_id?: string | null;
}

/** Create body: an upsert by `id` or `source_id`. Also the shape of `order.customer`. */
export class CreateCustomerDto extends UpdateCustomerDto {
  @ApiPropertyOptional({ example: 'cust_CSnYd37MXmrbS19XCrghjBsv' })
  @ValidateIf((_: object, value: unknown) => value !== undefined)
  @IsString()
  @Length(1, 255)
  id?: string;
}

export class DateRangeDto {
  @ApiPropertyOptional({ description: 'ISO 8601 date or datetime (exclusive)' })
  @IsOptional()
  @IsString()
  @IsISO8601({ strict: true })
  before?: string;

  @ApiPropertyOptional({ description: 'ISO 8601 date or datetime (exclusive)' })
  @IsOptional()
  @IsString()
  @IsISO8601({ strict: true })
  after?: string;
}

export const CUSTOMER_ORDER_FIELDS = ['created_at', 'updated_at', 'source_id'] as const;

export class ListCustomersQueryDto extends ListQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(320) email?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) city?: string;

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

  @ApiPropertyOptional({
    description:
      'created_at datetime cursor (customers.scroll); newest first unless order=created_at',
  })
  @IsOptional()
  @IsString()
  @IsISO8601({ strict: true })
  starting_after?: string;

  @ApiPropertyOptional({ enum: CUSTOMER_ORDER_FIELDS.flatMap((f) => [f, `-${f}`]) })
  @IsOptional()
  @IsIn(CUSTOMER_ORDER_FIELDS.flatMap((f) => [f, `-${f}`]))
  override order?: string = undefined;
}

export class CustomerIdParam {
  @ApiProperty({ description: 'cust_ id or source_id' })
  @IsString()
  @Length(1, 255)
  id: string;
}
