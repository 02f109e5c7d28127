import { Module } from '@nestjs/common';
import { ActiveAlerts } from './active-alerts.service';
import { ConfigController } from './config.controller';
import { DashboardConfigService } from './dashboard-config.service';

/** `GET /api/v1/config/sidebar` and `…/header`. */
@Module({
  controllers: [ConfigController],
  providers: [ActiveAlerts, DashboardConfigService],
  exports: [ActiveAlerts],
})
export class DashboardConfigModule {}
