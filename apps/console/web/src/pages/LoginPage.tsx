import { useState, type FormEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { ErrorNote } from '../components/ui';
import { useAuth } from '../lib/auth';
import { useSite } from '../lib/site';

/** Sign in against solarhub-api, the site's identity provider; then back where you were going. */
export function LoginPage() {
  const { login } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const site = useSite();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const identity = site?.apps.find((a) => a.name === 'solarhub');
  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string): string => {
      const value = form.get(name);
      return typeof value === 'string' ? value : '';
    };
    setBusy(true);
    setError(null);
    try {
      await login(field('username'), field('password'));
      const from = (location.state as { from?: string } | null)?.from;
      void navigate(from && from !== '/login' ? from : '/site', { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login" id="main">
      <form className="card login-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h1 id="login-title">Site console</h1>
        <p className="muted">Sign in with your site account.</p>
        {identity?.state === 'down' ? (
          <p className="note note-bad" role="alert">
            solarhub-api, which signs you in, is not reachable.
          </p>
        ) : null}
        <label>
          User name
          <input name="username" autoComplete="username" required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <ErrorNote error={error} />
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
