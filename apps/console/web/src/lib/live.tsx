import { createContext, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react';
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
} from '@lib/contracts';
import type { AppName } from './api';

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

export interface AppHealth {
  name: AppName;
  app: string;
  state: 'up' | 'degraded' | 'down' | 'unknown';
  down: string[];
  checked_at: string | null;
}

export type BusState = 'connected' | 'disconnected' | 'not_configured';
export type SocketState = 'connecting' | 'open' | 'closed';

interface Connection {
  socket: SocketState;
  bus: BusState | null;
  apps: AppHealth[];
  /** When the last frame arrived (ms). */
  lastFrameAt: number | null;
}

type Frame =
  | { type: 'snapshot'; items: LiveItem[]; apps: AppHealth[]; bus: BusState }
  | { type: 'update'; items: LiveItem[] }
  | { type: 'apps'; apps: AppHealth[]; bus: BusState };

/**
 * The page's copy of the live feed. Each kind's map is replaced (not mutated) when one of its items
 * changes, so React re-renders exactly the views of that kind.
 */
export class LiveStore {
  private readonly maps = new Map<LiveKind, Map<string, LiveItem>>();
  private readonly listeners = new Map<LiveKind | 'connection', Set<() => void>>();
  private connectionState: Connection = { socket: 'connecting', bus: null, apps: [], lastFrameAt: null };
  private static readonly EMPTY = new Map<string, LiveItem>();

  map<K extends LiveKind>(kind: K): ReadonlyMap<string, LiveItem<K>> {
    return (this.maps.get(kind) ?? LiveStore.EMPTY) as unknown as ReadonlyMap<string, LiveItem<K>>;
  }

  get connection(): Connection {
    return this.connectionState;
  }

  subscribe(topic: LiveKind | 'connection', listener: () => void): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  private emit(topic: LiveKind | 'connection'): void {
    for (const listener of this.listeners.get(topic) ?? []) listener();
  }

  setConnection(patch: Partial<Connection>): void {
    this.connectionState = { ...this.connectionState, ...patch };
    this.emit('connection');
  }

  apply(frame: Frame): void {
    if (frame.type === 'apps' || frame.type === 'snapshot') {
      this.setConnection({ apps: frame.apps, bus: frame.bus, lastFrameAt: Date.now() });
    } else {
      this.connectionState = { ...this.connectionState, lastFrameAt: Date.now() };
    }
    if (frame.type === 'apps') return;
    const touched = new Set<LiveKind>();
    if (frame.type === 'snapshot') {
      for (const kind of this.maps.keys()) touched.add(kind);
      this.maps.clear();
    }
    const next = new Map<LiveKind, Map<string, LiveItem>>();
    for (const item of frame.items) {
      let map = next.get(item.kind);
      if (!map) next.set(item.kind, (map = new Map(this.maps.get(item.kind))));
      map.set(item.key, item);
      touched.add(item.kind);
    }
    for (const [kind, map] of next) this.maps.set(kind, map);
    for (const kind of touched) this.emit(kind);
  }
}

const LiveContext = createContext<LiveStore | null>(null);

/**
 * One WebSocket to the console host's `/ws/live` for the whole page, reconnected with backoff
 * (1 s doubling to 10 s) and a fresh token each time.
 */
export function LiveProvider({ token, children }: { token: () => Promise<string | null>; children: ReactNode }) {
  const store = useMemo(() => new LiveStore(), []);
  useEffect(() => {
    let socket: WebSocket | null = null;
    let stopped = false;
    let retry: number | undefined;
    let delay = 1000;
    const connect = async (): Promise<void> => {
      const access = await token();
      if (stopped) return;
      store.setConnection({ socket: 'connecting' });
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      const query = access ? `?access_token=${encodeURIComponent(access)}` : '';
      socket = new WebSocket(`${scheme}://${location.host}/ws/live${query}`);
      socket.onopen = () => {
        delay = 1000;
        store.setConnection({ socket: 'open' });
      };
      socket.onmessage = (event: MessageEvent<string>) => {
        try {
          store.apply(JSON.parse(event.data) as Frame);
        } catch {
          // a frame we cannot read is skipped; the next snapshot or update repairs the view
        }
      };
      socket.onclose = () => {
        store.setConnection({ socket: 'closed' });
        if (stopped) return;
        retry = window.setTimeout(() => void connect(), delay);
        delay = Math.min(delay * 2, 10_000);
      };
    };
    void connect();
    return () => {
      stopped = true;
      window.clearTimeout(retry);
      socket?.close();
    };
  }, [store, token]);
  return <LiveContext.Provider value={store}>{children}</LiveContext.Provider>;
}

function useStore(): LiveStore {
  const store = useContext(LiveContext);
  if (!store) throw new Error('live hooks outside LiveProvider');
  return store;
}

/** Every item of one kind, re-rendering when any of them changes. */
export function useLive<K extends LiveKind>(kind: K): ReadonlyMap<string, LiveItem<K>> {
  const store = useStore();
  return useSyncExternalStore(
    (listener) => store.subscribe(kind, listener),
    () => store.map(kind),
  );
}

/** One item, or undefined until it has arrived. */
export function useLiveItem<K extends LiveKind>(kind: K, key: string): LiveItem<K> | undefined {
  return useLive(kind).get(key);
}

/** The socket, the bus and every app's health. */
export function useConnection(): Connection {
  const store = useStore();
  return useSyncExternalStore(
    (listener) => store.subscribe('connection', listener),
    () => store.connection,
  );
}

/** Whether `app` answers (up, or degraded: it answers but one of its own dependencies is away). */
export function useAppUp(app: AppName): boolean {
  const { apps } = useConnection();
  const health = apps.find((a) => a.name === app);
  return health === undefined || health.state === 'up' || health.state === 'degraded' || health.state === 'unknown';
}
