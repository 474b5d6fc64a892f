import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';

export class CreateProjectDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'Origins allowed for the default client-side key (default: any)',
    example: ['https://shop.example'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  client_allowed_origins?: string[];
}

export class UpdateProjectDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;
}

export class CreateApiKeyDto {
  @ApiProperty({ enum: ['server', 'client'] })
  @IsIn(['server', 'client'])
  kind: 'server' | 'client';

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'Client keys: origins allowed to use the key (`*` = any; empty = any)',
    example: ['https://shop.example'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  allowed_origins?: string[];
}

export class ProjectIdParam {
  @ApiProperty({ example: 'proj_3kTq…' })
  @IsString()
  @Matches(/^proj_[0-9A-Za-z]{1,60}$/)
  id: string;
}

export class ProjectResponse {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'project' }) object: 'project';
  @ApiProperty() name: string;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

export class ApiKeyResponse {
  @ApiProperty({ example: 'key_…' }) id: string;
  @ApiProperty({ example: 'api_key' }) object: 'api_key';
  @ApiProperty() project_id: string;
  @ApiProperty({ enum: ['server', 'client'] }) kind: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'X-App-Id (server) or X-Client-Application-Id (client)' })
  app_id: string;
  @ApiProperty({ description: 'Last four characters of the secret, for recognising it' })
  secret_hint: string;
  @ApiProperty({ type: [String] }) allowed_origins: string[];
  @ApiProperty() created_at: string;
  @ApiProperty({ nullable: true, type: String }) rotated_at: string | null;
  @ApiProperty({ nullable: true, type: String }) revoked_at: string | null;
}

export class IssuedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({ description: 'The secret (X-App-Token / X-Client-Token). Shown once.' })
  secret: string;
}

export class CreatedProjectResponse extends ProjectResponse {
  @ApiProperty({
    type: [IssuedApiKeyResponse],
    description: 'The default keys; secrets shown once',
  })
  api_keys: IssuedApiKeyResponse[];
}
