import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { SolarhubAnswer, SolarhubBody } from '../api/types';
import { ApiError, api, setTokenSource } from './api';

export type Role = 'viewer' | 'operator' | 'admin';
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** What solarhub-api's logins and refresh answer. */
type TokenPair = SolarhubAnswer<'/api/v1/auth/login/json', 'post'>;

interface Claims {
  sub?: string;
  username?: string;
  roles?: string[];
  exp?: number;
}

export interface Session {
  username: string;
  roles: Role[];
  /** The highest role: what the page offers. */
  role: Role;
  expiresAt: number;
}

const STORAGE_KEY = 'console.session';
/** Refresh this long before the access token expires. */
const REFRESH_EARLY_MS = 60_000;

function claims(token: string): Claims {
  try {
    const part = token.split('.')[1] ?? '';
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(json) as Claims;
  } catch {
    return {};
  }
}

function sessionOf(pair: TokenPair): Session {
  const c = claims(pair.access_token);
  const roles = (c.roles ?? []).filter((r): r is Role => r in RANK);
  const role = roles.reduce<Role>((best, r) => (RANK[r] > RANK[best] ? r : best), 'viewer');
  return {
    username: c.username ?? c.sub ?? 'unknown',
    roles,
    role,
    expiresAt: c.exp ? c.exp * 1000 : Date.now() + pair.expires_in * 1000,
  };
}

/** Whether `session` may do what needs `required` (an admin may do an operator's work). */
export function can(session: Session | null, required: Role): boolean {
  return session !== null && RANK[session.role] >= RANK[required];
}

interface AuthContextValue {
  session: Session | null;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** The access token, for the live WebSocket. */
  token(): Promise<string | null>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

/**
 * Login against solarhub-api (the site's identity provider), silent refresh a minute before the
 * access token expires (and once more on a 401), logout that ends the session on every app. The
 * tokens live in this tab's sessionStorage: a reload keeps you signed in, closing the tab does not.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [pair, setPair] = useState<TokenPair | null>(() => {
    try {
      const stored = sessionStorage.getItem(STORAGE_KEY);
      return stored ? (JSON.parse(stored) as TokenPair) : null;
    } catch {
      return null;
    }
  });
  const session = useMemo(() => (pair ? sessionOf(pair) : null), [pair]);

  const store = useCallback((next: TokenPair | null) => {
    if (next) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    else sessionStorage.removeItem(STORAGE_KEY);
    setPair(next);
  }, []);

  // One refresh at a time, shared by every caller that needs it.
  const refreshing = useMemo(() => ({ current: null as Promise<TokenPair | null> | null }), []);
  const refresh = useCallback(
    (current: TokenPair): Promise<TokenPair | null> => {
      refreshing.current ??= api<TokenPair>('solarhub', '/api/v1/auth/refresh', {
        method: 'POST',
        body: { refresh_token: current.refresh_token } satisfies SolarhubBody<'/api/v1/auth/refresh'>,
        anonymous: true,
      })
        .then((next) => {
          store(next);
          return next;
        })
        .catch((error: unknown) => {
          // Refused (expired, reused, user disabled): signed out. Unreachable: keep trying later.
          if (error instanceof ApiError && (error.status === 401 || error.status === 403)) store(null);
          return null;
        })
        .finally(() => {
          refreshing.current = null;
        });
      return refreshing.current;
    },
    [refreshing, store],
  );

  // The token source is set while rendering, before any page below asks for data (children's
  // effects run before their parent's, so an effect here would be too late for their first call).
  useMemo(() => {
    setTokenSource(
      pair
        ? {
            accessToken: async () => {
              if (sessionOf(pair).expiresAt - Date.now() > REFRESH_EARLY_MS) return pair.access_token;
              return (await refresh(pair))?.access_token ?? pair.access_token;
            },
            refreshAfter401: async () => (await refresh(pair)) !== null,
          }
        : null,
    );
  }, [pair, refresh]);

  useEffect(() => {
    if (!pair) return;
    const due = sessionOf(pair).expiresAt - REFRESH_EARLY_MS - Date.now();
    const timer = window.setTimeout(() => void refresh(pair), Math.max(due, 5_000));
    return () => window.clearTimeout(timer);
  }, [pair, refresh]);

  const value = useMemo<AuthContextValue>(
    () => ({
      session,
      login: async (username, password) => {
        const next = await api<TokenPair>('solarhub', '/api/v1/auth/login/json', {
          method: 'POST',
          body: { username, password } satisfies SolarhubBody<'/api/v1/auth/login/json'>,
          anonymous: true,
        });
        store(next);
      },
      logout: async () => {
        await api('solarhub', '/api/v1/auth/logout', { method: 'POST' }).catch(() => undefined);
        store(null);
      },
      token: async () => {
        if (!pair) return null;
        if (sessionOf(pair).expiresAt - Date.now() > REFRESH_EARLY_MS) return pair.access_token;
        return (await refresh(pair))?.access_token ?? null;
      },
    }),
    [session, pair, refresh, store],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}
