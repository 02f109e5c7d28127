import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ROLES } from '@lib/auth';
import type { Role } from '@lib/auth';
import { APP_NAMES } from '@lib/config';
import type { AppName } from '@lib/config';

export class CreateServiceTokenDto {
  @ApiProperty({ example: 'gridpilot-optimizer', description: 'who uses it (3-80 letters, digits or _.@-)' })
  @Matches(/^[A-Za-z0-9_.@-]{3,80}$/, { message: 'name must be 3-80 letters, digits or _.@-' })
  name!: string;

  @ApiProperty({ enum: ROLES, example: 'operator' })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ enum: APP_NAMES, isArray: true, description: 'the apps that accept it; all when left out' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(APP_NAMES.length)
  @IsIn(APP_NAMES, { each: true })
  apps?: AppName[];

  @ApiPropertyOptional({ example: 365, description: 'days until it expires (at most SERVICE_TOKEN_MAX_DAYS)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expires_in_days?: number;
}

export class ServiceTokenDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ type: [String], nullable: true }) apps!: string[] | null;
  @ApiProperty() created_by!: string;
  @ApiProperty() created_at!: string;
  @ApiProperty() expires_at!: string;
  @ApiProperty({ type: String, nullable: true }) revoked_at!: string | null;
}

export class CreatedServiceTokenDto extends ServiceTokenDto {
  @ApiProperty({ description: 'the bearer token; shown once, never stored' }) token!: string;
}
