import { Controller, Get, HttpCode, Post, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DEVICE_TYPES, SimulationStatus } from '@lib/contracts';
import { DevicesService } from '../devices/devices.service';
import { DEVICE_TYPE_INFO } from '@lib/site-models';
import { SimulationService } from './simulation.service';
import { DeviceTypeView, IotHealthView } from './simulation.views';
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
  @ApiOkResponse({ type: SimulationStatus })
  status(): SimulationStatus {
    return this.simulation.status();
  }

  @Post('api/v1/simulation/start')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start publishing readings' })
  @ApiOkResponse({ type: SimulationStatus })
  start(): SimulationStatus {
    return this.simulation.start();
  }

  @Post('api/v1/simulation/stop')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop publishing readings' })
  @ApiOkResponse({ type: SimulationStatus })
  stop(): SimulationStatus {
    return this.simulation.stop();
  }

  @Get('api/v1/device-types')
  @ApiOperation({ summary: 'Device types, their defaults and daily patterns' })
  @ApiOkResponse({ type: [DeviceTypeView] })
  deviceTypes(): DeviceTypeView[] {
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
  @ApiOkResponse({ type: IotHealthView })
  @ApiResponse({ status: 503, description: 'Devices not loaded yet (database unavailable)' })
  health(): IotHealthView {
    if (!this.devices.isLoaded) throw new ServiceUnavailableException('Devices not loaded yet (database unavailable)');
    return {
      status: 'healthy',
      mqtt_connected: this.simulation.status().mqtt_connected,
      simulation_running: this.simulation.running,
      devices: this.devices.all().length,
    };
  }
}
