import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import type { AppName } from './api';
import { LiveStore, type Connection, type Frame, type LiveItem, type LiveKind, type StationLive } from './live-store';

export type {
  AppHealth,
  BusState,
  Connection,
  LiveData,
  LiveItem,
  LiveKind,
  SocketState,
  StationLive,
  StationMeterData,
  StationStatusData,
} from './live-store';
export { LiveStore } from './live-store';

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
    // Frames are applied once per animation frame (all that came since), so the page draws once
    // for them; a hidden page, which gets no animation frames, applies them as they come.
    let queued: Frame[] = [];
    let drawing: number | null = null;
    const draw = (): void => {
      drawing = null;
      const frames = queued;
      queued = [];
      store.applyAll(frames);
    };
    const receive = (frame: Frame): void => {
      queued.push(frame);
      if (document.hidden) draw();
      else if (drawing === null) drawing = requestAnimationFrame(draw);
    };
    const connect = async (): Promise<void> => {
      const access = await token();
      if (stopped) return;
      store.setConnection({ socket: 'connecting' });
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      const query = access ? `?access_token=${encodeURIComponent(access)}` : '';
      const open = new WebSocket(`${scheme}://${location.host}/ws/live${query}`);
      socket = open;
      open.onopen = () => {
        delay = 1000;
        store.setConnection({ socket: 'open' });
        store.setSender((stations) => {
          if (open.readyState === WebSocket.OPEN) open.send(JSON.stringify({ type: 'subscribe', stations }));
        });
      };
      open.onmessage = (event: MessageEvent<string>) => {
        try {
          receive(JSON.parse(event.data) as Frame);
        } catch {
          // a frame we cannot read is skipped; the next snapshot or update repairs the view
        }
      };
      open.onclose = () => {
        store.setSender(null);
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
      if (drawing !== null) cancelAnimationFrame(drawing);
      store.setSender(null);
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

/** The page's live store itself, to read without re-rendering on its changes. */
export const useLiveStore = useStore;

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

/**
 * One station's status and meters, re-rendering only when that station changes (and only while
 * some view follows it: useFollowStations).
 */
export function useStationLive(id: string): StationLive {
  const store = useStore();
  // One subscription per station, not one per render.
  const subscribe = useCallback((listener: () => void) => store.subscribeStation(id, listener), [store, id]);
  return useSyncExternalStore(subscribe, () => store.station(id));
}

/** Asks the host for these stations' live values while the calling view is shown. */
export function useFollowStations(ids: readonly string[]): void {
  const store = useStore();
  const key = ids.join('\n');
  useEffect(() => (key === '' ? undefined : store.follow(key.split('\n'))), [store, key]);
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
