import { Controller, Get, HttpCode, Post, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DEVICE_TYPES } from '@lib/contracts';
import { DevicesService } from '../devices/devices.service';
import { DEVICE_TYPE_INFO } from '@lib/site-models';
import { SimulationService, SimulationStatus } from './simulation.service';
import { Public, RequireRole } from '@lib/auth';

@ApiTags('simulation')
@RequireRole('viewer')
@Controller()
export class SimulationController {
  constructor(
    private readonly simulation: SimulationService,
    private readonly devices: DevicesService,
  ) {}

  @Get('api/v1/simulation/status')
  @ApiOperation({ summary: 'Simulation state and counters' })
  status(): SimulationStatus {
    return this.simulation.status();
  }

  @Post('api/v1/simulation/start')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start publishing readings' })
  start(): SimulationStatus {
    return this.simulation.start();
  }

  @Post('api/v1/simulation/stop')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop publishing readings' })
  stop(): SimulationStatus {
    return this.simulation.stop();
  }

  @Get('api/v1/device-types')
  @ApiOperation({ summary: 'Device types, their defaults and daily patterns' })
  deviceTypes(): {
    type: string;
    description: string;
    default_base_power: number;
    default_voltage: number;
    phases: number;
    pattern: string;
  }[] {
    return DEVICE_TYPES.map((t) => {
      const i = DEVICE_TYPE_INFO[t];
      return {
        type: t,
        description: i.description,
        default_base_power: i.defaultPowerKw,
        default_voltage: i.defaultVoltageV,
        phases: i.phases,
        pattern: i.pattern,
      };
    });
  }

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Service health (document 002); 503 until the devices are loaded' })
  health(): { status: 'healthy'; mqtt_connected: boolean; simulation_running: boolean; devices: number } {
    if (!this.devices.isLoaded) throw new ServiceUnavailableException('Devices not loaded yet (database unavailable)');
    return {
      status: 'healthy',
      mqtt_connected: this.simulation.status().mqtt_connected,
      simulation_running: this.simulation.running,
      devices: this.devices.all().length,
    };
  }
}
