import type {
  DeviceCommandAck,
  DeviceCommandMessage,
  DeviceDataMessage,
  DeviceStatusMessage,
  PlantReadingMessage,
  ServiceStatusMessage,
  SiteChargingLimitDto,
  StationMeterMessage,
  StationStatusMessage,
  StationTotals,
} from '@lib/contracts';
import type { ConsoleSchema } from '../api/types';

/** What each kind of live item carries: the bus's own payload classes (libs/contracts). */
export interface LiveData {
  plant: PlantReadingMessage;
  device: DeviceDataMessage & Record<string, unknown>;
  device_status: DeviceStatusMessage;
  service_status: ServiceStatusMessage;
  site_limit: SiteChargingLimitDto;
  dispatch: DeviceCommandMessage;
  dispatch_ack: DeviceCommandAck;
  station_status: StationStatusData;
  station_meter: StationMeterData;
  /** The console host's sums over every station (key `site`), whichever stations the page follows. */
  station_totals: StationTotals;
}

/** ocpp-csms's per-station status (energy/stations/+/status) and meter values (energy/stations/+/meter). */
export type StationStatusData = StationStatusMessage;
export type StationMeterData = StationMeterMessage;

export type LiveKind = keyof LiveData;

export interface LiveItem<K extends LiveKind = LiveKind> {
  kind: K;
  key: string;
  at: number;
  data: LiveData[K];
}

/** An app's health as the console host reports it (on the socket and in GET /api/console/site). */
export type AppHealth = ConsoleSchema<'UpstreamHealthDto'>;

export type BusState = ConsoleSchema<'ConsoleSiteDto'>['bus'];
export type SocketState = 'connecting' | 'open' | 'closed';

export interface Connection {
  socket: SocketState;
  bus: BusState | null;
  apps: AppHealth[];
  /** When the last frame arrived (ms). */
  lastFrameAt: number | null;
}

export type Frame =
  | { type: 'snapshot'; items: LiveItem[]; apps: AppHealth[]; bus: BusState }
  | { type: 'update'; items: LiveItem[] }
  | { type: 'apps'; apps: AppHealth[]; bus: BusState }
  | { type: 'error'; detail: string };

/** One station's live values: its status and its connectors' meters (keyed `station/connector`). */
export interface StationLive {
  status: LiveItem<'station_status'> | undefined;
  meters: ReadonlyMap<string, LiveItem<'station_meter'>>;
}

const STATION_KINDS: ReadonlySet<LiveKind> = new Set<LiveKind>(['station_status', 'station_meter']);

/** The station a station item is about (its status's key; its meter's key before the connector). */
export function stationOfItem(item: Pick<LiveItem, 'kind' | 'key'>): string | null {
  if (item.kind === 'station_status') return item.key;
  if (item.kind === 'station_meter') return item.key.slice(0, item.key.lastIndexOf('/'));
  return null;
}

/**
 * The page's copy of the live feed. Each kind's map is replaced (not mutated) when one of its items
 * changes, so React re-renders exactly the views of that kind; each station's values are one more
 * object, replaced when that station changes, so a table row re-renders only for its own station.
 *
 * Stations are followed: the host sends a station's values only while some view asks for it
 * (`follow`, counted per view); the list goes to the host a moment after it changes (the
 * `sendInterest` the provider sets), and the values of a station nobody follows are dropped then.
 */
export class LiveStore {
  private readonly maps = new Map<LiveKind, Map<string, LiveItem>>();
  private readonly stations = new Map<string, StationLive>();
  private readonly listeners = new Map<LiveKind | 'connection', Set<() => void>>();
  private readonly stationListeners = new Map<string, Set<() => void>>();
  private readonly interest = new Map<string, number>();
  private interestTimer: ReturnType<typeof setTimeout> | null = null;
  private sender: ((stations: string[]) => void) | null = null;
  private connectionState: Connection = { socket: 'connecting', bus: null, apps: [], lastFrameAt: null };
  private static readonly EMPTY = new Map<string, LiveItem>();
  private static readonly NO_STATION: StationLive = { status: undefined, meters: new Map() };

  /** How long a change of the followed stations waits for the next (a table scrolled through). */
  constructor(private readonly interestDelayMs = 100) {}

  map<K extends LiveKind>(kind: K): ReadonlyMap<string, LiveItem<K>> {
    return (this.maps.get(kind) ?? LiveStore.EMPTY) as unknown as ReadonlyMap<string, LiveItem<K>>;
  }

  station(id: string): StationLive {
    return this.stations.get(id) ?? LiveStore.NO_STATION;
  }

  get connection(): Connection {
    return this.connectionState;
  }

  subscribe(topic: LiveKind | 'connection', listener: () => void): () => void {
    return this.listen(this.listeners, topic, listener);
  }

  /** A listener for one station's values only. */
  subscribeStation(id: string, listener: () => void): () => void {
    return this.listen(this.stationListeners, id, listener);
  }

  private listen<T>(registry: Map<T, Set<() => void>>, topic: T, listener: () => void): () => void {
    let set = registry.get(topic);
    if (!set) registry.set(topic, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && registry.get(topic) === set) registry.delete(topic);
    };
  }

  private emit(topic: LiveKind | 'connection'): void {
    for (const listener of this.listeners.get(topic) ?? []) listener();
  }

  private emitStation(id: string): void {
    for (const listener of this.stationListeners.get(id) ?? []) listener();
  }

  /** Follow these stations until the returned function is called. */
  follow(ids: readonly string[]): () => void {
    const unique = [...new Set(ids)];
    for (const id of unique) this.interest.set(id, (this.interest.get(id) ?? 0) + 1);
    this.interestChanged();
    return () => {
      for (const id of unique) {
        const n = (this.interest.get(id) ?? 0) - 1;
        if (n > 0) this.interest.set(id, n);
        else this.interest.delete(id);
      }
      this.interestChanged();
    };
  }

  /** The stations some view follows. */
  get followed(): string[] {
    return [...this.interest.keys()];
  }

  /** Where the followed stations go (the open socket), or null while there is none. Sends them at once. */
  setSender(sender: ((stations: string[]) => void) | null): void {
    this.sender = sender;
    if (sender) this.sendInterest();
  }

  private interestChanged(): void {
    if (this.interestTimer !== null) return;
    this.interestTimer = setTimeout(() => this.sendInterest(), this.interestDelayMs);
  }

  private sendInterest(): void {
    if (this.interestTimer !== null) clearTimeout(this.interestTimer);
    this.interestTimer = null;
    this.dropUnfollowed();
    this.sender?.(this.followed);
  }

  /** Forgets the values of the stations no view follows any more: they would only grow stale. */
  private dropUnfollowed(): void {
    const gone = [...this.stations.keys()].filter((id) => !this.interest.has(id));
    if (gone.length === 0) return;
    const touched = new Set<LiveKind>();
    for (const kind of STATION_KINDS) {
      const old = this.maps.get(kind);
      if (!old) continue;
      const next = new Map([...old].filter(([, item]) => this.interest.has(stationOfItem(item) ?? '')));
      if (next.size !== old.size) {
        this.maps.set(kind, next);
        touched.add(kind);
      }
    }
    for (const id of gone) {
      this.stations.delete(id);
      this.emitStation(id);
    }
    for (const kind of touched) this.emit(kind);
  }

  setConnection(patch: Partial<Connection>): void {
    this.connectionState = { ...this.connectionState, ...patch };
    this.emit('connection');
  }

  /** Several frames at once (those that came within one animation frame): one notification per view. */
  applyAll(frames: readonly Frame[]): void {
    for (const frame of frames) this.apply(frame);
  }

  apply(frame: Frame): void {
    if (frame.type === 'error') return;
    if (frame.type === 'apps' || frame.type === 'snapshot') {
      this.setConnection({ apps: frame.apps, bus: frame.bus, lastFrameAt: Date.now() });
    } else {
      this.connectionState = { ...this.connectionState, lastFrameAt: Date.now() };
    }
    if (frame.type === 'apps') return;
    const touched = new Set<LiveKind>();
    const touchedStations = new Set<string>();
    if (frame.type === 'snapshot') {
      for (const kind of this.maps.keys()) touched.add(kind);
      for (const id of this.stations.keys()) touchedStations.add(id);
      this.maps.clear();
      this.stations.clear();
    }
    const next = new Map<LiveKind, Map<string, LiveItem>>();
    const nextStations = new Map<
      string,
      { status: StationLive['status']; meters: Map<string, LiveItem<'station_meter'>> }
    >();
    for (const item of frame.items) {
      const station = stationOfItem(item);
      // A station's values that come after the page stopped following it are not kept.
      if (station !== null && !this.interest.has(station)) continue;
      let map = next.get(item.kind);
      if (!map) next.set(item.kind, (map = new Map(this.maps.get(item.kind))));
      map.set(item.key, item);
      touched.add(item.kind);
      if (station === null) continue;
      let live = nextStations.get(station);
      if (!live) {
        const old = this.station(station);
        nextStations.set(station, (live = { status: old.status, meters: new Map(old.meters) }));
      }
      if (item.kind === 'station_status') live.status = item as LiveItem<'station_status'>;
      else live.meters.set(item.key, item as LiveItem<'station_meter'>);
      touchedStations.add(station);
    }
    for (const [kind, map] of next) this.maps.set(kind, map);
    for (const [id, live] of nextStations) this.stations.set(id, live);
    for (const kind of touched) this.emit(kind);
    for (const id of touchedStations) this.emitStation(id);
  }
}
