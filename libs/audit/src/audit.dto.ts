import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { ListQueryDto } from '@app/core';

export class AuditDateRangeDto {
  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  before?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  after?: Date;
}

export class AuditLogQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ example: 'voucher' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  entity_type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(120)
  entity_id?: string;

  @ApiPropertyOptional({ description: 'The key (key_… or mk_…) that made the change' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  key_id?: string;

  @ApiPropertyOptional({
    type: AuditDateRangeDto,
    description: 'created_at[before] / created_at[after] (ISO 8601)',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => AuditDateRangeDto)
  created_at?: AuditDateRangeDto;
}

export class AuditActorDto {
  @ApiProperty({ enum: ['api_key', 'management_key', 'system'] }) type: string;
  @ApiProperty({ nullable: true, type: String }) id: string | null;
}

export class AuditEntryResponse {
  @ApiProperty({ example: 'aud_…' }) id: string;
  @ApiProperty({ example: 'audit_log_entry' }) object: string;
  @ApiProperty({ nullable: true, type: String }) project_id: string | null;
  @ApiProperty({ type: AuditActorDto }) actor: AuditActorDto;
  @ApiProperty({ nullable: true, type: String, example: 'PUT /v1/customers/:id' }) route:
    string | null;
  @ApiProperty({ nullable: true, type: String }) request_id: string | null;
  @ApiProperty({ example: 'customer' }) entity_type: string;
  @ApiProperty({ nullable: true, type: String }) entity_id: string | null;
  @ApiProperty({ enum: ['create', 'update', 'delete', 'soft_delete'] }) action: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Changed columns: {col: value} (create) or {col: [before, after]} (update); secrets redacted',
  })
  diff: Record<string, unknown>;
  @ApiProperty() created_at: string;
}

export class AuditListResponse {
  @ApiProperty({ example: 'list' }) object: string;
  @ApiProperty({ example: 'data' }) data_ref: string;
  @ApiProperty({ type: [AuditEntryResponse] }) data: AuditEntryResponse[];
  @ApiProperty() total: number;
}
