import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OpenByDefault } from '@lib/auth';
import { DeviceStatusService } from './device-status.service';
import { DeviceStatusDto, DeviceStatusListDto } from './devices.dto';

@ApiTags('devices')
@OpenByDefault()
@Controller('api/v1/devices')
export class DeviceStatusController {
  constructor(private readonly statuses: DeviceStatusService) {}

  @Get('status')
  @ApiOperation({
    summary:
      "Every field device's status from the bus: online or offline (its own status, or its service's last will), enabled, fault",
  })
  @ApiOkResponse({ type: DeviceStatusListDto })
  list(): DeviceStatusListDto {
    return { ...this.statuses.list(), status: 'success' };
  }

  @Get(':device_id/status')
  @ApiOperation({ summary: "One device's status; 404 when it never reported one" })
  @ApiOkResponse({ type: DeviceStatusDto })
  @ApiNotFoundResponse({ description: 'No status from that device' })
  one(@Param('device_id') deviceId: string): DeviceStatusDto {
    const view = this.statuses.get(deviceId);
    if (!view) throw new NotFoundException(`No status from device ${deviceId.slice(0, 64)}`);
    return view;
  }
}
