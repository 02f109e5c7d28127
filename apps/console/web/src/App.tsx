import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { Loading } from './components/ui';
import { can, useAuth } from './lib/auth';
import { LiveProvider, useConnection } from './lib/live';
import { LoginPage } from './pages/LoginPage';
import { SitePage } from './pages/SitePage';

// The site page is the first after login and ships in the first bundle; the others load on demand.
const ChargingPage = lazy(() => import('./pages/ChargingPage'));
const StationPage = lazy(() => import('./pages/StationPage'));
const LoadsPage = lazy(() => import('./pages/LoadsPage'));
const OptimizerPage = lazy(() => import('./pages/OptimizerPage'));
const StoragePage = lazy(() => import('./pages/StoragePage'));
const AccessPage = lazy(() => import('./pages/AccessPage'));

const NAV = [
  { to: '/site', label: 'Site' },
  { to: '/charging', label: 'Charging' },
  { to: '/loads', label: 'Loads' },
  { to: '/optimizer', label: 'Optimizer' },
  { to: '/storage', label: 'Storage' },
] as const;

/** Which apps are away, said once at the top of every page; the rest of the page keeps working. */
function ConnectionBanner() {
  const { socket, bus, apps } = useConnection();
  const away = apps.filter((a) => a.state === 'down');
  const degraded = apps.filter((a) => a.state === 'degraded');
  const notes: string[] = [];
  if (socket === 'closed') notes.push('Live updates are disconnected; reconnecting…');
  else if (bus === 'disconnected') notes.push('The console has lost the message broker; live values are paused.');
  if (away.length) notes.push(`Not reachable: ${away.map((a) => a.app).join(', ')}. The rest of the site is shown.`);
  if (degraded.length)
    notes.push(
      `Degraded: ${degraded.map((a) => `${a.app}${a.down.length ? ` (${a.down.join(', ')} down)` : ''}`).join(', ')}.`,
    );
  if (notes.length === 0) return null;
  return (
    <div className="banner" role="alert" data-testid="connection-banner">
      {notes.map((n) => (
        <p key={n}>{n}</p>
      ))}
    </div>
  );
}

function Shell({ children }: { children: ReactNode }) {
  const { session, logout } = useAuth();
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Site console</span>
        <nav aria-label="Pages" className="nav">
          {NAV.map((n) => (
            <NavLink key={n.to} to={n.to} className={({ isActive }) => (isActive ? 'nav-link active' : 'nav-link')}>
              {n.label}
            </NavLink>
          ))}
          {can(session, 'admin') ? (
            <NavLink to="/access" className={({ isActive }) => (isActive ? 'nav-link active' : 'nav-link')}>
              Access
            </NavLink>
          ) : null}
        </nav>
        <span className="user">
          <span data-testid="user">
            {session?.username} <span className="muted">({session?.role})</span>
          </span>
          <button type="button" className="btn btn-quiet" onClick={() => void logout()}>
            Log out
          </button>
        </span>
      </header>
      <ConnectionBanner />
      <main id="main" className="main">
        {children}
      </main>
    </div>
  );
}

export function App() {
  const { session, token } = useAuth();
  const location = useLocation();
  if (!session) {
    return location.pathname === '/login' ? (
      <LoginPage />
    ) : (
      <Navigate to="/login" replace state={{ from: location.pathname }} />
    );
  }
  return (
    <LiveProvider token={token}>
      <Shell>
        <Suspense fallback={<Loading what="the page" />}>
          <Routes>
            <Route path="/" element={<Navigate to="/site" replace />} />
            <Route path="/login" element={<Navigate to="/site" replace />} />
            <Route path="/site" element={<SitePage />} />
            <Route path="/charging" element={<ChargingPage />} />
            <Route path="/charging/:stationId" element={<StationPage />} />
            <Route path="/loads" element={<LoadsPage />} />
            <Route path="/optimizer" element={<OptimizerPage />} />
            <Route path="/storage" element={<StoragePage />} />
            <Route path="/access" element={can(session, 'admin') ? <AccessPage /> : <Forbidden />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </Shell>
    </LiveProvider>
  );
}

function Forbidden() {
  return (
    <section>
      <h1>Forbidden</h1>
      <p>This page is for administrators. Your role does not include it.</p>
    </section>
  );
}

function NotFound() {
  return (
    <section>
      <h1>No such page</h1>
      <p>
        Go to the <NavLink to="/site">site</NavLink>.
      </p>
    </section>
  );
}
