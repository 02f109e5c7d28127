import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Field } from '../components/Field';
import { TableScroll, TableHead, num } from '../components/TableScroll';
import { Badge, Card, ConfirmButton, ErrorNote, Loading, type Outcome } from '../components/ui';
import type { SolarhubAnswer, SolarhubBody, SolarhubSchema } from '../api/types';
import { ApiError, api, describeError } from '../lib/api';
import { useAuth, type Role } from '../lib/auth';
import { fieldErrors, type FieldErrors } from '../lib/field-errors';
import { formatDateTime, useSite } from '../lib/site';
import { utcMs } from '../lib/storage-series';

// ---- solarhub-api answers (its OpenAPI document: src/api/generated/solarhub-api.ts) ----

type User = SolarhubSchema<'UserDto'>;
type UserRole = User['roles'][number];
type ServiceToken = SolarhubSchema<'ServiceTokenDto'>;
type CreatedServiceToken = SolarhubAnswer<'/api/v1/auth/service-tokens', 'post'>;
type UserChange = SolarhubBody<'/api/v1/auth/users/{id}', 'patch'>;
type NewUser = SolarhubBody<'/api/v1/auth/users'>;
type NewServiceToken = SolarhubBody<'/api/v1/auth/service-tokens'>;
type TokenApp = NonNullable<NewServiceToken['apps']>[number];

const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
const ROLE_TEXT: Record<Role, string> = {
  viewer: 'Sees every page and value; no actions.',
  operator: 'Also runs the site: charger commands, loads, limits, the optimizer.',
  admin: 'Also the award schedule, users and service tokens.',
};
const APPS = [
  'solarhub-api',
  'gridpilot-optimizer',
  'ocpp-csms',
  'plant-simulator',
  'iot-mock',
  'console',
] as const satisfies readonly TokenApp[];

const highest = (roles: UserRole[]): Role =>
  roles
    .map((r) => r.name)
    .filter((r): r is Role => r in ROLE_RANK)
    .reduce<Role>((best, r) => (ROLE_RANK[r] > ROLE_RANK[best] ? r : best), 'viewer');

/** A 422/400's words per field, and the rest as one sentence. */
function formFailure(error: unknown, fields: readonly string[]): { errors: FieldErrors | null; text: string } {
  if (error instanceof ApiError && (error.status === 422 || error.status === 400)) {
    const parsed = fieldErrors(error.detail, fields);
    const named = Object.keys(parsed.fields);
    return {
      errors: parsed,
      text: parsed.rest.length ? parsed.rest.join('; ') : `Check ${named.join(', ')}`,
    };
  }
  return { errors: null, text: describeError(error) };
}

/** Access (admin): users and their roles, the roles themselves, service tokens. */
export default function AccessPage() {
  const site = useSite();
  const tz = site?.timezone;
  const users = useQuery({
    queryKey: ['solarhub', 'auth', 'users'],
    queryFn: () => api<SolarhubAnswer<'/api/v1/auth/users'>>('solarhub', '/api/v1/auth/users'),
  });
  const list = users.data?.users ?? [];
  return (
    <div className="page">
      <h1>Access</h1>
      <div className="grid">
        <Card title="Users" wide>
          <CreateUser />
          <ErrorNote error={users.error} />
          {users.isPending ? <Loading what="the users" /> : null}
          {users.data ? <UsersTable users={list} timezone={tz} /> : null}
        </Card>
        <Card title="Roles" wide>
          <RolesTable users={users.data?.users} />
        </Card>
        <Card title="Service tokens" wide>
          <ServiceTokens timezone={tz} />
        </Card>
      </div>
    </div>
  );
}

function UsersTable({ users, timezone }: { users: User[]; timezone?: string }) {
  return (
    <TableScroll label="Users">
      <table aria-label="Users" data-testid="users-table">
        <TableHead columns={['User', 'Email', 'State', 'Since', 'Role', 'Password']} actions />
        <tbody>
          {users.map((u) => (
            <UserRow key={u.id} user={u} timezone={timezone} />
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function UserRow({ user, timezone }: { user: User; timezone?: string }) {
  const { session } = useAuth();
  const client = useQueryClient();
  const current = highest(user.roles);
  const [role, setRole] = useState<Role>(current);
  const [password, setPassword] = useState('');
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const self = session?.username === user.username;
  const refresh = (): Promise<void> => client.invalidateQueries({ queryKey: ['solarhub', 'auth', 'users'] });

  const patch = async (body: UserChange, done: string): Promise<boolean> => {
    setBusy(true);
    setOutcome(null);
    setPasswordError(null);
    try {
      await api('solarhub', `/api/v1/auth/users/${user.id}`, { method: 'PATCH', body });
      setOutcome({ tone: 'ok', text: done });
      return true;
    } catch (error) {
      const failure = formFailure(error, ['roles', 'active', 'password']);
      if (failure.errors?.fields.password) setPasswordError(failure.errors.fields.password);
      setOutcome({
        tone: 'bad',
        text: failure.errors?.fields.roles ? `roles: ${failure.errors.fields.roles}` : failure.text,
      });
      return false;
    } finally {
      setBusy(false);
      void refresh();
    }
  };

  const savePassword = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (await patch({ password }, `New password set for ${user.username}; their sessions ended`)) setPassword('');
  };

  return (
    <tr>
      <th scope="row">
        {user.username}
        {self ? <span className="muted"> (you)</span> : null}
      </th>
      <td>{user.email ?? '—'}</td>
      <td>{user.active ? <Badge tone="ok">active</Badge> : <Badge tone="idle">deactivated</Badge>}</td>
      <td>{user.confirmed_at ? formatDateTime(utcMs(user.confirmed_at), timezone) : '—'}</td>
      <td>
        <span className="cell-row">
          <select
            aria-label={`Role of ${user.username}`}
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            disabled={busy || self}
            title={self ? 'An admin cannot demote themselves' : undefined}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn"
            disabled={busy || role === current}
            onClick={() => void patch({ roles: [role] }, `${user.username} is now ${role}; their sessions ended`)}
          >
            Save role<span className="visually-hidden"> of {user.username}</span>
          </button>
        </span>
      </td>
      <td>
        <form className="cell-row" onSubmit={(e) => void savePassword(e)} noValidate>
          <input
            type="password"
            autoComplete="new-password"
            aria-label={`New password for ${user.username}`}
            placeholder="new password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={passwordError ? true : undefined}
            aria-describedby={passwordError ? `pw-error-${user.id}` : undefined}
          />
          <button type="submit" className="btn" disabled={busy || password === ''}>
            Set<span className="visually-hidden"> password of {user.username}</span>
          </button>
        </form>
        {passwordError ? (
          <span id={`pw-error-${user.id}`} className="field-error">
            password: {passwordError}
          </span>
        ) : null}
      </td>
      <td>
        <span className="cell-row">
          {self ? null : user.active ? (
            <ConfirmButton
              label="Deactivate"
              danger
              question={
                <>
                  Deactivate <strong>{user.username}</strong>? They are signed out on every app and can no longer log
                  in. The account is kept for the record and can be reactivated.
                </>
              }
              confirmLabel="Deactivate"
              run={async () => {
                try {
                  await api('solarhub', `/api/v1/auth/users/${user.id}`, { method: 'DELETE' });
                  setOutcome({ tone: 'ok', text: `${user.username} deactivated` });
                } finally {
                  void refresh();
                }
              }}
            />
          ) : (
            <button
              type="button"
              className="btn"
              disabled={busy}
              onClick={() => void patch({ active: true }, `${user.username} reactivated`)}
            >
              Reactivate<span className="visually-hidden"> {user.username}</span>
            </button>
          )}
          {outcome ? (
            <span className={`outcome outcome-${outcome.tone}`} role="status">
              {outcome.text}
            </span>
          ) : null}
        </span>
      </td>
    </tr>
  );
}

function CreateUser() {
  const client = useQueryClient();
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [errors, setErrors] = useState<FieldErrors | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setErrors(null);
    setOutcome(null);
    try {
      await api('solarhub', '/api/v1/auth/users', {
        method: 'POST',
        body: { username, email, password, roles: [role] } satisfies NewUser,
      });
      setOutcome({ tone: 'ok', text: `User ${username} created as ${role}` });
      setUsername('');
      setEmail('');
      setPassword('');
      setRole('viewer');
      void client.invalidateQueries({ queryKey: ['solarhub', 'auth', 'users'] });
    } catch (error) {
      const failure = formFailure(error, ['username', 'email', 'password', 'roles']);
      setErrors(failure.errors);
      setOutcome({ tone: 'bad', text: `Not created: ${failure.text}` });
    } finally {
      setBusy(false);
    }
  };

  const f = errors?.fields ?? {};
  return (
    <details className="create-box">
      <summary>Add a user</summary>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="user-form">
        <div className="form-grid">
          <Field label="Username" error={f.username}>
            {(p) => <input {...p} autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} />}
          </Field>
          <Field label="Email" error={f.email}>
            {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />}
          </Field>
          <Field label="Password (8 characters or more)" error={f.password}>
            {(p) => (
              <input
                {...p}
                type="password"
                autoComplete="new-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            )}
          </Field>
          <Field label="Role" error={f.roles}>
            {(p) => (
              <select {...p} value={role} onChange={(e) => setRole(e.target.value as Role)}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="form-row">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create user'}
          </button>
          {outcome ? (
            <span className={`outcome outcome-${outcome.tone}`} role="status" data-testid="user-form-outcome">
              {outcome.text}
            </span>
          ) : null}
        </div>
      </form>
    </details>
  );
}

function RolesTable({ users }: { users: User[] | undefined }) {
  const descriptions = new Map((users ?? []).flatMap((u) => u.roles.map((r) => [r.name, r.description] as const)));
  return (
    <TableScroll label="Roles">
      <table aria-label="Roles" data-testid="roles-table">
        <TableHead columns={['Role', 'May', num('Active users')]} />
        <tbody>
          {ROLES.map((r) => (
            <tr key={r}>
              <th scope="row">
                {r}
                {descriptions.get(r) ? <div className="muted small">{descriptions.get(r)}</div> : null}
              </th>
              <td className="wrap">{ROLE_TEXT[r]}</td>
              <td className="num">{users ? users.filter((u) => u.active && highest(u.roles) === r).length : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function tokenState(t: ServiceToken, now: number): { text: string; tone: 'ok' | 'idle' | 'warn' } {
  if (t.revoked_at) return { text: 'revoked', tone: 'idle' };
  if (Date.parse(t.expires_at) <= now) return { text: 'expired', tone: 'warn' };
  return { text: 'active', tone: 'ok' };
}

function ServiceTokens({ timezone }: { timezone?: string }) {
  const client = useQueryClient();
  const tokens = useQuery({
    queryKey: ['solarhub', 'auth', 'service-tokens'],
    queryFn: () => api<SolarhubAnswer<'/api/v1/auth/service-tokens'>>('solarhub', '/api/v1/auth/service-tokens'),
  });
  const [created, setCreated] = useState<CreatedServiceToken | null>(null);
  const [note, setNote] = useState<Outcome>(null);
  const [showRevoked, setShowRevoked] = useState(false);
  const refresh = (): Promise<void> => client.invalidateQueries({ queryKey: ['solarhub', 'auth', 'service-tokens'] });
  const now = tokens.dataUpdatedAt;
  const all = [...(tokens.data ?? [])].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
  const shown = showRevoked ? all : all.filter((t) => !t.revoked_at);
  const when = (t: string): string => formatDateTime(t, timezone);

  return (
    <>
      <CreateToken
        onCreated={(t) => {
          setCreated(t);
          setNote(null);
          void refresh();
        }}
      />
      {created ? <NewToken token={created} onDone={() => setCreated(null)} /> : null}
      {note ? (
        <p className={`outcome outcome-${note.tone}`} role="status">
          {note.text}
        </p>
      ) : null}
      <ErrorNote error={tokens.error} />
      {tokens.isPending ? <Loading what="the service tokens" /> : null}
      {tokens.data ? (
        <>
          <label className="check">
            <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} />
            Show revoked tokens ({all.length - all.filter((t) => !t.revoked_at).length})
          </label>
          <TableScroll label="Service tokens">
            <table aria-label="Service tokens" data-testid="tokens-table">
              <TableHead columns={['Name', 'Role', 'Apps', 'State', 'Created', 'Expires']} actions />
              <tbody>
                {shown.map((t) => {
                  const state = tokenState(t, now);
                  return (
                    <tr key={t.id}>
                      <th scope="row" title={t.id}>
                        {t.name}
                      </th>
                      <td>{t.role}</td>
                      <td className="wrap">{t.apps && t.apps.length ? t.apps.join(', ') : 'all'}</td>
                      <td>
                        <Badge tone={state.tone}>{state.text}</Badge>
                        {t.revoked_at ? <span className="muted small"> {when(t.revoked_at)}</span> : null}
                      </td>
                      <td>
                        {when(t.created_at)} <span className="muted small">by {t.created_by}</span>
                      </td>
                      <td>{when(t.expires_at)}</td>
                      <td>
                        {t.revoked_at ? null : (
                          <ConfirmButton
                            label="Revoke"
                            danger
                            question={
                              <>
                                Revoke the service token <strong>{t.name}</strong> ({t.role})? Every app refuses it at
                                once; a client still using it stops working.
                              </>
                            }
                            confirmLabel="Revoke the token"
                            run={async () => {
                              try {
                                await api('solarhub', `/api/v1/auth/service-tokens/${t.id}`, { method: 'DELETE' });
                                setNote({ tone: 'ok', text: `Token ${t.name} revoked` });
                              } catch (error) {
                                setNote({ tone: 'bad', text: `Token ${t.name} not revoked: ${describeError(error)}` });
                                throw error;
                              } finally {
                                void refresh();
                              }
                            }}
                          />
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
          {shown.length === 0 ? <p className="muted">No active service tokens.</p> : null}
        </>
      ) : null}
    </>
  );
}

function CreateToken({ onCreated }: { onCreated: (token: CreatedServiceToken) => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [apps, setApps] = useState<TokenApp[]>([]);
  const [days, setDays] = useState('365');
  const [errors, setErrors] = useState<FieldErrors | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setErrors(null);
    setFailure(null);
    try {
      const body: NewServiceToken = { name: name.trim(), role };
      if (apps.length) body.apps = apps;
      if (days.trim() !== '') body.expires_in_days = Number(days);
      const token = await api<CreatedServiceToken>('solarhub', '/api/v1/auth/service-tokens', {
        method: 'POST',
        body,
      });
      setName('');
      setApps([]);
      onCreated(token);
    } catch (error) {
      const f = formFailure(error, ['name', 'role', 'apps', 'expires_in_days']);
      setErrors(f.errors);
      setFailure(`Not created: ${f.text}`);
    } finally {
      setBusy(false);
    }
  };

  const f = errors?.fields ?? {};
  return (
    <details className="create-box">
      <summary>Create a service token</summary>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="token-form">
        <div className="form-grid">
          <Field label="Name (who uses it)" error={f.name}>
            {(p) => <input {...p} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label="Role" error={f.role}>
            {(p) => (
              <select {...p} value={role} onChange={(e) => setRole(e.target.value as Role)}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Expires in (days)" error={f.expires_in_days}>
            {(p) => <input {...p} inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} />}
          </Field>
        </div>
        <fieldset className="checks">
          <legend>Apps that accept it (none ticked: all)</legend>
          {APPS.map((a) => (
            <label key={a} className="check">
              <input
                type="checkbox"
                checked={apps.includes(a)}
                onChange={(e) => setApps((list) => (e.target.checked ? [...list, a] : list.filter((x) => x !== a)))}
              />
              {a}
            </label>
          ))}
          {f.apps ? <span className="field-error">apps: {f.apps}</span> : null}
        </fieldset>
        <div className="form-row">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create token'}
          </button>
        </div>
        {failure ? (
          <p className="note note-bad" role="alert">
            {failure}
          </p>
        ) : null}
      </form>
    </details>
  );
}

/** The new token, shown this once, with a copy button. */
function NewToken({ token, onDone }: { token: CreatedServiceToken; onDone: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<Outcome>(null);
  const copy = async (): Promise<void> => {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(token.token);
      } else {
        input.current?.select();
        if (!document.execCommand('copy')) throw new Error('copy refused');
      }
      setCopied({ tone: 'ok', text: 'Copied to the clipboard' });
    } catch {
      input.current?.select();
      setCopied({ tone: 'warn', text: 'The browser refused; the token is selected, copy it with Ctrl+C' });
    }
  };
  return (
    <div className="note note-warn" role="region" aria-label="New service token" data-testid="new-token">
      <p>
        <strong>
          Token {token.name} ({token.role}) created. Copy it now: it will not be shown again.
        </strong>{' '}
        Only a hash is kept; if it is lost, revoke it and create another.
      </p>
      <label>
        Token
        <input ref={input} className="secret" readOnly value={token.token} onFocus={(e) => e.target.select()} />
      </label>
      <div className="form-row">
        <button type="button" className="btn btn-primary" onClick={() => void copy()}>
          Copy token
        </button>
        <button type="button" className="btn btn-quiet" onClick={onDone}>
          I have stored it
        </button>
        {copied ? (
          <span className={`outcome outcome-${copied.tone}`} role="status">
            {copied.text}
          </span>
        ) : null}
      </div>
    </div>
  );
}
