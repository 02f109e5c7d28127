import type { StationMeterMessage, StationStatusMessage } from '@lib/contracts';

/** A station whose messages stop for longer than this counts 0, as does one that disconnected. */
export const EV_STATION_STALE_MS = 120_000;

interface ConnectorMeter {
  powerW: number;
  at: number;
  transactionId: number | null;
}

interface StationState {
  connected: boolean;
  /** The latest message of the station (its own timestamp, never later than its arrival). */
  seenAt: number;
  /** Connectors with an open transaction, from the latest status. */
  sessions: Set<number>;
  meters: Map<number, ConnectorMeter>;
}

export interface EvStationLoad {
  stationId: string;
  chargingKw: number;
  sessions: number;
}

export interface EvLoad {
  /** What the EVs draw now, as the CSMS measured it (kW). */
  chargingKw: number;
  /** How much of it the site charging limit can take away (kW): every session's draw, down to 0. */
  flexibleKw: number;
  /** Stations connected to the CSMS that reported within EV_STATION_STALE_MS. */
  stations: number;
  /** Connectors with an open transaction (or drawing power) on those stations. */
  sessions: number;
  /** The same, per station. */
  byStation: EvStationLoad[];
}

/** When a message was true: its timestamp, but never later than its arrival. */
const messageTime = (timestamp: string, receivedAt: number): number => {
  const at = Date.parse(timestamp);
  return Number.isFinite(at) ? Math.min(at, receivedAt) : receivedAt;
};

/**
 * EV charging as ocpp-csms reports it on the bus (TOPIC_REGISTRY.stationStatus / .stationMeter),
 * for any OCPP charger: the measured power of each connector, counted while its station is
 * connected and keeps reporting.
 */
export class EvStations {
  private readonly stations = new Map<string, StationState>();

  constructor(private readonly staleMs = EV_STATION_STALE_MS) {}

  private state(stationId: string): StationState {
    let s = this.stations.get(stationId);
    if (!s) this.stations.set(stationId, (s = { connected: true, seenAt: 0, sessions: new Set(), meters: new Map() }));
    return s;
  }

  status(m: StationStatusMessage, receivedAt = Date.now()): void {
    const s = this.state(m.station_id);
    s.connected = m.connected;
    s.seenAt = Math.max(s.seenAt, messageTime(m.timestamp, receivedAt));
    s.sessions = new Set(m.connectors.filter((c) => c.transaction_id !== null).map((c) => c.connector_id));
    // A station that left draws nothing we can see or steer: its readings no longer count.
    if (!m.connected) s.meters.clear();
  }

  meter(m: StationMeterMessage, receivedAt = Date.now()): void {
    const s = this.state(m.station_id);
    const at = messageTime(m.timestamp, receivedAt);
    const previous = s.meters.get(m.connector_id);
    if (previous && previous.at > at) return;
    // The CSMS hears from the station: it is connected.
    s.connected = true;
    s.seenAt = Math.max(s.seenAt, at);
    s.meters.set(m.connector_id, { powerW: m.power_w, at, transactionId: m.transaction_id });
  }

  load(now = Date.now()): EvLoad {
    const byStation: EvStationLoad[] = [];
    const cutoff = now - this.staleMs;
    for (const [id, s] of this.stations) {
      if (s.seenAt < cutoff - this.staleMs) {
        // Long gone: forgotten, so the map does not grow with every station ever seen.
        this.stations.delete(id);
        continue;
      }
      if (!s.connected || s.seenAt < cutoff) continue;
      let powerW = 0;
      const active = new Set(s.sessions);
      for (const [connectorId, meter] of s.meters) {
        if (meter.at < cutoff) continue;
        powerW += meter.powerW;
        if (meter.powerW > 0) active.add(connectorId);
      }
      byStation.push({ stationId: id, chargingKw: powerW / 1000, sessions: active.size });
    }
    byStation.sort((a, b) => (a.stationId < b.stationId ? -1 : a.stationId > b.stationId ? 1 : 0));
    const chargingKw = byStation.reduce((sum, s) => sum + s.chargingKw, 0);
    return {
      chargingKw,
      flexibleKw: chargingKw,
      stations: byStation.length,
      sessions: byStation.reduce((sum, s) => sum + s.sessions, 0),
      byStation,
    };
  }
}
