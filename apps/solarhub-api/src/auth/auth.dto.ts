import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';

export class LoginJsonDto {
  @ApiProperty({ example: 'admin' }) @IsString() @MinLength(1) @MaxLength(80) username!: string;
  @ApiProperty({ example: 'secret' }) @IsString() @MinLength(1) @MaxLength(1024) password!: string;
}

/** OAuth2 password-grant form fields; the client fields are accepted and ignored. */
export class LoginFormDto extends LoginJsonDto {
  @ApiPropertyOptional() @IsOptional() @IsIn(['password']) grant_type?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() scope?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() client_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() client_secret?: string;
}

export class RefreshDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(4096) refresh_token!: string;
}

export const ROLE_NAMES = ['admin', 'operator', 'viewer'] as const;

export class CreateUserDto {
  @ApiProperty({ minLength: 3, maxLength: 80 })
  @Matches(/^[A-Za-z0-9_.@-]{3,80}$/, { message: 'username must be 3-80 letters, digits or _.@-' })
  username!: string;
  @ApiProperty() @IsEmail() @MaxLength(255) email!: string;
  @ApiProperty({ minLength: 8 }) @IsString() @MinLength(8) @MaxLength(1024) password!: string;
  @ApiPropertyOptional({ enum: ROLE_NAMES, isArray: true, default: ['viewer'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @IsIn(ROLE_NAMES, { each: true })
  roles?: (typeof ROLE_NAMES)[number][];
}

/** What an admin may change of a user; changing roles, deactivating or a new password ends the user's sessions. */
export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ROLE_NAMES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @IsIn(ROLE_NAMES, { each: true })
  roles?: (typeof ROLE_NAMES)[number][];

  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;

  @ApiPropertyOptional({ minLength: 8 }) @IsOptional() @IsString() @MinLength(8) @MaxLength(1024) password?: string;
}
