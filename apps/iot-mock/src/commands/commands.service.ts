import {
  BadRequestException,
  GatewayTimeoutException,
  Inject,
  Injectable,
  Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IotMockConfig } from '../iot-mock.config';
import {
  DEVICE_COMMANDS,
  DEVICE_TOPICS,
  DeviceCommandAck,
  DeviceCommandDto,
  TOPIC_REGISTRY,
  deviceIdOfTopic,
  isoSeconds,
} from '@lib/contracts';
import { BusInvalidMessages, DecodeOptions, decodeOptions } from '@lib/messaging';
import { MetricsService } from '@lib/observability';
import { Counter } from 'prom-client';
import { DevicesService } from '../devices/devices.service';
import { EvChargersService } from '../ev/ev-chargers.service';
import { IOT_MOCK_CONFIG } from '../iot-mock.tokens';
import { IotMqttService } from '../mqtt/iot-mqtt.service';
import { CommandError } from '@lib/site-models';
import { parseCommandPayload } from './command-payload';

/** Commands that steer the simulation rather than the device: an offline device still takes them. */
const SIMULATION_CONTROLS: ReadonlySet<string> = new Set(['inject_fault', 'clear_fault']);

/**
 * Device commands arrive on `energy/devices/{id}/commands` (from anyone, including REST through
 * the broker); every one gets an acknowledgement on `…/commands/ack`, success or error.
 */
@Injectable()
export class CommandsService {
  private readonly logger = new Logger(CommandsService.name);
  private readonly pending = new Map<string, (ack: DeviceCommandAck) => void>();
  private readonly outcomes: Counter<'result'>;
  private readonly invalid: BusInvalidMessages;
  private readonly decodeOptions: DecodeOptions;

  constructor(
    @Inject(IOT_MOCK_CONFIG) private readonly config: IotMockConfig,
    private readonly devices: DevicesService,
    private readonly mqtt: IotMqttService,
    private readonly evChargers: EvChargersService,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter('iot_commands_total', 'Device commands received, by result', ['result']);
    this.invalid = new BusInvalidMessages(metrics, 'iot-mock');
    this.decodeOptions = { ...decodeOptions(config.mqtt.validation), maxBytes: config.commands.maxBytes };
    mqtt.onMessage((topic, payload) => {
      if (topic.endsWith('/commands')) void this.onCommand(topic, payload);
      else if (topic.endsWith('/commands/ack')) this.onAck(topic, payload);
    });
  }

  /** REST: sends the command over the broker and waits for the device's acknowledgement. */
  async send(deviceId: string, dto: DeviceCommandDto): Promise<DeviceCommandAck> {
    const device = this.devices.get(deviceId);
    if (!(DEVICE_COMMANDS as readonly string[]).includes(dto.command)) {
      throw new BadRequestException(`Unknown command "${dto.command}"; one of: ${DEVICE_COMMANDS.join(', ')}`);
    }
    // An unreachable device answers nothing: say so now rather than after the timeout.
    if (!device.online && !SIMULATION_CONTROLS.has(dto.command)) {
      this.outcomes.inc({ result: 'device_offline' });
      throw new GatewayTimeoutException(
        `No acknowledgement from ${deviceId}: the device is offline (clear_fault brings it back)`,
      );
    }
    if (!this.mqtt.connected) throw new ServiceUnavailableException('MQTT broker unavailable');
    const commandId = dto.command_id ?? randomUUID();
    const ack = new Promise<DeviceCommandAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(commandId);
        reject(
          new GatewayTimeoutException(
            `No acknowledgement from ${deviceId} within ${this.config.commands.timeoutMs} ms`,
          ),
        );
      }, this.config.commands.timeoutMs);
      this.pending.set(commandId, (a) => {
        clearTimeout(timer);
        this.pending.delete(commandId);
        resolve(a);
      });
    });
    const sent = this.mqtt
      .publish(DEVICE_TOPICS.commands(deviceId), {
        command: dto.command,
        parameters: dto.parameters ?? {},
        command_id: commandId,
      })
      .catch((error: Error) => {
        throw new ServiceUnavailableException(`Command not delivered to the broker: ${error.message}`);
      });
    // The timeout runs from the moment the command leaves, whether or not the broker confirms it.
    const [, result] = await Promise.all([sent, ack]);
    if (!result.success) throw new BadRequestException(result.error ?? 'Command refused');
    return result;
  }

  private onAck(topic: string, payload: Buffer): void {
    const ack = this.invalid.decode(TOPIC_REGISTRY.deviceCommandAcks, topic, payload, this.decodeOptions);
    if (ack?.value.command_id) this.pending.get(ack.value.command_id)?.(ack.value);
  }

  private async onCommand(topic: string, payload: Buffer): Promise<void> {
    const deviceId = deviceIdOfTopic(topic);
    const device = deviceId ? this.devices.find(deviceId) : undefined;
    const parsed = parseCommandPayload(topic, payload, this.decodeOptions);
    if (!device || !deviceId) {
      this.outcomes.inc({ result: 'unknown_device' });
      this.logger.warn(`command for unknown device on ${topic.slice(0, 200)}`);
      return;
    }
    if (!parsed.ok) {
      this.outcomes.inc({ result: parsed.reason });
      this.invalid.record(TOPIC_REGISTRY.deviceCommands, topic, parsed.reason, parsed.error);
      await this.ack({
        device_id: deviceId,
        command_id: parsed.commandId,
        command: parsed.command,
        success: false,
        error: parsed.error,
        timestamp: isoSeconds(),
      });
      return;
    }
    const { command, parameters, commandId } = parsed.value;
    // A device in an offline fault is unreachable: it neither obeys nor acknowledges (the sender
    // times out). Fault injection is the simulator's own knob and still reaches it.
    if (!device.online && !SIMULATION_CONTROLS.has(command)) {
      this.outcomes.inc({ result: 'device_offline' });
      this.logger.debug(`${deviceId}: ${command} not acknowledged: the device is offline`);
      return;
    }
    try {
      const result: Record<string, unknown> = this.evChargers.handles(device, command)
        ? await this.evChargers.apply(device, command, parameters)
        : device.apply(command, parameters, new Date());
      // The device obeys even while the database is away; the ack says the change is not stored yet.
      await this.devices.persist(device).catch((error: Error) => {
        result.stored = false;
        this.logger.warn(`${deviceId}: ${command} applied but not stored: ${error.message}`);
      });
      this.outcomes.inc({ result: 'ok' });
      this.logger.log(`${deviceId}: ${command} ${JSON.stringify(result)}`);
      await this.ack({
        device_id: deviceId,
        command_id: commandId,
        command,
        success: true,
        result,
        timestamp: isoSeconds(),
      });
    } catch (error) {
      const known = error instanceof CommandError;
      this.outcomes.inc({ result: known ? 'bad_parameters' : 'error' });
      const message = known ? error.message : `command failed: ${(error as Error).message}`;
      this.logger.warn(`${deviceId}: ${command} refused: ${message}`);
      await this.ack({
        device_id: deviceId,
        command_id: commandId,
        command,
        success: false,
        ...(known && error.result ? { result: error.result } : {}),
        error: message,
        timestamp: isoSeconds(),
      });
    }
  }

  private async ack(ack: DeviceCommandAck): Promise<void> {
    await this.mqtt.publish(DEVICE_TOPICS.commandAck(ack.device_id), ack).catch((error: Error) => {
      this.logger.warn(`${ack.device_id}: ack not published: ${error.message}`);
    });
  }
}
