import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { ListQueryDto } from '@app/core';
import {
  RELATED_OBJECT_TYPES,
  RelatedObjectType,
  RULE_TYPES,
  RuleType,
} from './validation-rule.entity';

const RULES_EXAMPLE = {
  '1': { name: 'order.amount', conditions: { $more_than: [10000] }, rules: {} },
  '2': {
    name: 'customer.metadata',
    property: 'tier',
    conditions: { $is: ['VIP'] },
    rules: {},
    error: { message: 'VIP only' },
  },
  logic: '1 and 2',
};

/** Fields shared by create and update; `name` is declared by each, as its rules differ. */
class ValidationRuleFieldsDto {
  @ApiPropertyOptional({
    description: 'Numbered rules plus `logic` (and/or/parentheses); see docs/validation-rules.md',
    example: RULES_EXAMPLE,
  })
  @IsOptional()
  @IsObject()
  rules?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Fallback error.message',
    example: { message: 'Not eligible' },
  })
  @IsOptional()
  @IsObject()
  error?: { message?: string };

  @ApiPropertyOptional({ example: { included_all: false, included: [], excluded: [] } })
  @IsOptional()
  @IsObject()
  applicable_to?: Record<string, unknown>;

  @ApiPropertyOptional({ enum: RULE_TYPES, default: 'expression' })
  @IsOptional()
  @IsIn(RULE_TYPES)
  type?: RuleType;

  @ApiPropertyOptional({ default: 'global', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  context_type?: string;
}

export class CreateValidationRuleDto extends ValidationRuleFieldsDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
}

export class UpdateValidationRuleDto extends ValidationRuleFieldsDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;
}

/** Both shapes: the spec's `{related_object_type, related_object_id}` and the SDK's `{voucher|campaign|promotion_tier}`. */
export class CreateAssignmentDto {
  @ApiPropertyOptional({ enum: RELATED_OBJECT_TYPES })
  @IsOptional()
  @IsIn(RELATED_OBJECT_TYPES)
  related_object_type?: RelatedObjectType;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  related_object_id?: string;

  @ApiPropertyOptional({ description: 'SDK shape: voucher code (or v_ id)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  voucher?: string;

  @ApiPropertyOptional({ description: 'SDK shape: campaign name (or camp_ id)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  campaign?: string;

  @ApiPropertyOptional({ description: 'SDK shape: promotion tier id' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  promotion_tier?: string;
}

export class CreateAssignmentQueryDto {
  @ApiPropertyOptional({ description: 'Replace an identical existing assignment' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  force?: boolean;
}

export class ListAssignmentsQueryDto extends ListQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  related_object_id?: string;

  @ApiPropertyOptional({ description: 'Rule id (val_…)' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  rule?: string;
}
