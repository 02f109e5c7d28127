import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { AccessClaims } from './tokens.service';
import type { UserEntity } from '../storage/entities';
import { CreateUserDto, LoginFormDto, LoginJsonDto, RefreshDto } from './auth.dto';
import { Authenticated, CurrentUser } from './auth.guard';
import { AuthService, TokenPair } from './auth.service';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOperation({ summary: 'OAuth2 password login (form): access token 30 min, refresh token 7 days' })
  @ApiTooManyRequestsResponse({ description: 'Too many failures for this user and address; see Retry-After' })
  login(@Body() body: LoginFormDto, @Ip() ip: string): Promise<TokenPair> {
    return this.auth.login(body.username, body.password, ip);
  }

  @Post('login/json')
  @HttpCode(200)
  @ApiOperation({ summary: 'JSON login' })
  @ApiTooManyRequestsResponse({ description: 'Too many failures for this user and address; see Retry-After' })
  loginJson(@Body() body: LoginJsonDto, @Ip() ip: string): Promise<TokenPair> {
    return this.auth.login(body.username, body.password, ip);
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'New token pair for a refresh token (rotated: each works once; reuse ends the session)' })
  refresh(@Body() body: RefreshDto): Promise<TokenPair> {
    return this.auth.refresh(body.refresh_token);
  }

  @Get('me')
  @Authenticated()
  @ApiOperation({ summary: 'The current user and roles' })
  me(@CurrentUser() current: { user: UserEntity }) {
    return this.auth.describe(current.user);
  }

  @Post('logout')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: 'Ends the session: its refresh tokens stop working, and so do its access tokens' })
  async logout(@CurrentUser() current: { claims: AccessClaims }) {
    await this.auth.revokeSession(current.claims.sid);
    return { message: 'Logged out', status: 'success' };
  }

  @Get('users')
  @Authenticated('admin')
  @ApiOperation({ summary: 'All users (admin)' })
  users() {
    return this.auth.listUsers();
  }

  @Post('users')
  @Authenticated('admin')
  @ApiOperation({ summary: 'Create a user (admin)' })
  createUser(@Body() body: CreateUserDto) {
    return this.auth.createUser(body);
  }
}
