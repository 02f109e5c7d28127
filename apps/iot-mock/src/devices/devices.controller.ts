import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import {
  CreateDeviceDto,
  DeviceCommandAck,
  DeviceCommandDto,
  DeviceDataMessage,
  DeviceStatusMessage,
  DeviceView,
  UpdateDeviceDto,
} from '@lib/contracts';
import { CommandsService } from '../commands/commands.service';
import { DriverPlanView } from '../ev/driver-plan.view';
import { EvChargersService } from '../ev/ev-chargers.service';
import { SimulationService } from '../simulation/simulation.service';
import { DeviceDeletedView, SimulateView } from './device.views';
import { deviceView } from './device-view';
import { DevicesService } from './devices.service';
import { RequireRole } from '@lib/auth';

@ApiTags('devices')
@RequireRole('viewer')
@ApiExtraModels(DeviceDataMessage, DeviceStatusMessage)
@Controller('api/v1/devices')
export class DevicesController {
  constructor(
    private readonly devices: DevicesService,
    private readonly commands: CommandsService,
    private readonly simulation: SimulationService,
    private readonly evChargers: EvChargersService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List all devices' })
  @ApiOkResponse({ type: [DeviceView] })
  list(): DeviceView[] {
    return this.devices.all().map(deviceView);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Device details' })
  @ApiOkResponse({ type: DeviceView })
  @ApiResponse({ status: 404, description: 'Unknown device' })
  get(@Param('id') id: string): DeviceView {
    return deviceView(this.devices.get(id));
  }

  @Post()
  @RequireRole('admin')
  @ApiOperation({ summary: 'Create a device (id generated as mock-<type>-<nnn> unless given)' })
  @ApiResponse({ status: 201, type: DeviceView, description: 'Created' })
  @ApiResponse({ status: 409, description: 'A device with that id exists' })
  async create(@Body() dto: CreateDeviceDto): Promise<DeviceView> {
    return deviceView(await this.devices.create(dto));
  }

  @Put(':id')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Update a device' })
  @ApiOkResponse({ type: DeviceView })
  async update(@Param('id') id: string, @Body() dto: UpdateDeviceDto): Promise<DeviceView> {
    return deviceView(await this.devices.update(id, dto));
  }

  @Delete(':id')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Delete a device (its retained status is cleared)' })
  @ApiOkResponse({ type: DeviceDeletedView })
  async remove(@Param('id') id: string): Promise<DeviceDeletedView> {
    await this.devices.remove(id);
    return { status: 'deleted', device_id: id };
  }

  @Get(':id/readings')
  @ApiOperation({ summary: 'Current readings (the last data message, or a fresh one if none yet)' })
  @ApiOkResponse({
    description: 'the data message; its status message when the device makes no reading (disabled, offline)',
    schema: { oneOf: [{ $ref: getSchemaPath(DeviceDataMessage) }, { $ref: getSchemaPath(DeviceStatusMessage) }] },
  })
  readings(@Param('id') id: string): DeviceDataMessage | DeviceStatusMessage {
    const device = this.devices.get(id);
    return device.latest ?? this.simulation.simulateNow(device)?.message ?? device.status(new Date());
  }

  @Post(':id/command')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a command over MQTT and wait for the device to acknowledge it' })
  @ApiOkResponse({ type: DeviceCommandAck })
  @ApiResponse({ status: 400, description: 'Unknown command or bad parameters' })
  @ApiResponse({ status: 404, description: 'Unknown device' })
  @ApiResponse({ status: 504, description: 'No acknowledgement in time' })
  command(@Param('id') id: string, @Body() dto: DeviceCommandDto): Promise<DeviceCommandAck> {
    return this.commands.send(id, dto);
  }

  @Get(':id/drivers')
  @ApiOperation({
    summary:
      "An ev_charger's simulated drivers (EV_DRIVERS): the car there now and those due within `hours` (default 24, at most 168)",
  })
  @ApiOkResponse({ type: DriverPlanView })
  @ApiResponse({ status: 400, description: 'Not an ev_charger, or hours out of range' })
  @ApiResponse({ status: 404, description: 'Unknown device' })
  drivers(@Param('id') id: string, @Query('hours') hours?: string): DriverPlanView {
    const device = this.devices.get(id);
    if (device.record.type !== 'ev_charger') throw new BadRequestException(`${id} is not an ev_charger`);
    const h = hours === undefined ? 24 : Number(hours);
    if (!Number.isFinite(h) || h <= 0 || h > 168)
      throw new BadRequestException('hours must be a number above 0 and at most 168');
    return this.evChargers.driverPlan(id, h);
  }

  @Post(':id/simulate')
  @RequireRole('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Produce and publish one reading now' })
  @ApiOkResponse({ type: SimulateView })
  simulate(@Param('id') id: string): SimulateView {
    const result = this.simulation.simulateNow(this.devices.get(id));
    return { published: result?.send ?? false, reading: result?.message ?? null };
  }
}
