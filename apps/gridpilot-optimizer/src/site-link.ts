import type { GridpilotConfig } from './gridpilot-optimizer.config';
import { BusPublisher, MqttConnection } from '@lib/messaging';

/** The optimizer's connections to the site: the broker (telemetry, device commands) and the bus. */
export class SiteLink {
  readonly mqtt: MqttConnection | null;
  readonly bus: BusPublisher;

  constructor(config: GridpilotConfig) {
    this.mqtt = config.mqtt ? new MqttConnection(config.mqtt, 'gridpilot-optimizer') : null;
    this.bus = new BusPublisher(config.bus, this.mqtt);
  }

  async close(): Promise<void> {
    await this.bus.close();
    await this.mqtt?.close();
  }
}
