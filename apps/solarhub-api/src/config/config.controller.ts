import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OpenByDefault } from '@lib/auth';
import { HeaderDto, SidebarDto } from './config.dto';
import { DashboardConfigService } from './dashboard-config.service';

@ApiTags('config')
@OpenByDefault()
@Controller('api/v1/config')
export class ConfigController {
  constructor(private readonly dashboard: DashboardConfigService) {}

  @Get('sidebar')
  @ApiOperation({ summary: 'Unit counts and links for the dashboard sidebar' })
  @ApiOkResponse({ type: SidebarDto })
  sidebar(): SidebarDto {
    return this.dashboard.sidebar();
  }

  @Get('header')
  @ApiOperation({ summary: 'Active protection, warning and fault alerts' })
  @ApiOkResponse({ type: HeaderDto })
  header(): Promise<HeaderDto> {
    return this.dashboard.header();
  }
}
