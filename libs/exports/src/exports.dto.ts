import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  ValidateNested,
} from 'class-validator';
import { IsBoundedJsonObject } from '@app/core';
import { EXPORT_ORDERS } from './export-query';
import { EXPORTABLE } from './export-registry';

export class ExportParametersDto {
  @ApiPropertyOptional({
    type: [String],
    description: "Columns, in order (default: the type's usual columns); `metadata.<key>` allowed",
    example: ['code', 'voucher_type', 'metadata.tier'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  fields?: string[];

  @ApiPropertyOptional({ enum: EXPORT_ORDERS, default: '-created_at' })
  @IsOptional()
  @IsIn(EXPORT_ORDERS)
  order?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      '`{junction?: "and"|"or", <field>: {conditions: {$in|$not_in|$is|$is_not|$has_value|$is_unknown|$contains|$starts_with|$ends_with|$more_than|$less_than|$more_than_equal|$less_than_equal|$after|$before: [values]}}}`',
    example: { campaign_id: { conditions: { $in: ['camp_…'] } } },
  })
  @IsOptional()
  @IsBoundedJsonObject()
  filters?: Record<string, unknown>;
}

export class CreateExportDto {
  @ApiProperty({ enum: Object.keys(EXPORTABLE) })
  @IsString()
  @Length(1, 40)
  exported_object: string;

  @ApiPropertyOptional({ type: ExportParametersDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExportParametersDto)
  parameters?: ExportParametersDto;
}

export class DownloadQueryDto {
  @ApiProperty({ description: 'The token of the result URL' })
  @IsString()
  @Length(1, 100)
  token: string;
}

export class ExportResultDto {
  @ApiPropertyOptional({ example: '/v1/exports/exp_…/download?token=…' }) url?: string;
  @ApiPropertyOptional() row_count?: number;
}

export class ExportResponse {
  @ApiProperty({ example: 'exp_…' }) id: string;
  @ApiProperty({ example: 'export' }) object: string;
  @ApiProperty() created_at: string;
  @ApiProperty({ enum: ['SCHEDULED', 'IN_PROGRESS', 'DONE', 'ERROR'] }) status: string;
  @ApiProperty({ example: 'API' }) channel: string;
  @ApiProperty({ enum: Object.keys(EXPORTABLE) }) exported_object: string;
  @ApiProperty({ type: ExportParametersDto }) parameters: ExportParametersDto;
  @ApiProperty({ type: ExportResultDto, nullable: true }) result: ExportResultDto | null;
  @ApiProperty({ nullable: true, type: String }) user_id: null;
}
