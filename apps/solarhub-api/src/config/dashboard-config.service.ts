import { Inject, Injectable } from '@nestjs/common';
import type { SolarhubConfig } from '../solarhub-api.config';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import { ActiveAlerts } from './active-alerts.service';
import type { HeaderDto, SidebarDto } from './config.dto';

/** The dashboard's sidebar (unit counts, CCTV link) and header (active alerts). */
@Injectable()
export class DashboardConfigService {
  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    private readonly alerts: ActiveAlerts,
  ) {}

  async header(): Promise<HeaderDto> {
    const alerts = await this.alerts.byLevel();
    const info = (items: string[]) => ({ count: items.length, items });
    return {
      protection_info: info(alerts.protection),
      warning_info: info(alerts.warning),
      fault_info: info(alerts.fault),
      status: 'success',
    };
  }

  sidebar(): SidebarDto {
    const u = this.config.units;
    return {
      bess_type: this.config.bessType,
      bess_number: u.bess,
      pcs_number: u.pcs,
      inverter_number: u.inverters,
      rack_number: u.racks,
      meter_number: u.meters,
      number_of_devices: u.bess + u.pcs + u.inverters + u.racks,
      cctv_url: this.config.cctvUrl,
      status: 'success',
    };
  }
}
