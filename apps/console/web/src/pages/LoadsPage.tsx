import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import type { IotAnswer, IotBody } from '../api/types';
import { Badge, Card, ConfirmButton, ErrorNote, IfRole, Loading, Stat, useNow, type Outcome } from '../components/ui';
import { api } from '../lib/api';
import { can, useAuth } from '../lib/auth';
import {
  ackText,
  commandsFor,
  deviceNow,
  groupFleet,
  LOAD_TYPES,
  parseSetPoint,
  setPointRange,
  type DeviceNow,
  type FleetDevice,
  type SimulationStatus,
} from '../lib/device-fleet';
import { useAppUp, useLive, type LiveItem } from '../lib/live';
import { formatAge, formatDateTime, formatTime, useSite } from '../lib/site';
import { formatEnergyKwh, formatPercent, formatPowerKw } from '../lib/units';

const DEVICES_KEY = ['iot', 'devices'] as const;
const SIMULATION_KEY = ['iot', 'simulation'] as const;

type DeviceCommand = IotBody<'/api/v1/devices/{id}/command'>;
type CommandAck = IotAnswer<'/api/v1/devices/{id}/command', 'post'>;

function sendCommand(deviceId: string, command: DeviceCommand['command'], parameters?: Record<string, unknown>) {
  const body: DeviceCommand = parameters ? { command, parameters } : { command };
  return api<CommandAck>('iot', `/api/v1/devices/${encodeURIComponent(deviceId)}/command`, { method: 'POST', body });
}

const ackOutcome = (result: unknown): Outcome => {
  const ack = result as CommandAck | null;
  if (!ack || typeof ack !== 'object') return { tone: 'ok', text: 'Sent' };
  return { tone: ack.success ? 'ok' : 'bad', text: ackText(ack) };
};

/** iot-mock's fleet by type: live power, state, set-points, commands with their acks, and the simulation. */
export default function LoadsPage() {
  const site = useSite();
  const tz = site?.timezone;
  const { session } = useAuth();
  const operator = can(session, 'operator');
  const live = useLive('device');
  const statuses = useLive('device_status');
  const acks = useLive('dispatch_ack');
  const now = useNow(1000);

  const devices = useQuery({
    queryKey: DEVICES_KEY,
    queryFn: () => api<IotAnswer<'/api/v1/devices'>>('iot', '/api/v1/devices'),
  });
  const sections = useMemo(() => groupFleet(devices.data ?? []), [devices.data]);

  const current = useMemo(() => {
    const map = new Map<string, DeviceNow>();
    for (const d of devices.data ?? []) {
      map.set(d.device_id, deviceNow(d, live.get(d.device_id)?.data, statuses.get(d.device_id)?.data));
    }
    return map;
  }, [devices.data, live, statuses]);

  const loadTypes: readonly string[] = LOAD_TYPES;
  const fleet = devices.data ?? [];
  const loadsKw = fleet
    .filter((d) => loadTypes.includes(d.device_type))
    .reduce((sum, d) => {
      const n = current.get(d.device_id);
      return n && n.status === 'online' && n.powerKw !== null ? sum + Math.max(0, n.powerKw) : sum;
    }, 0);
  const online = fleet.filter((d) => current.get(d.device_id)?.status === 'online').length;
  const faulty = fleet.filter((d) => current.get(d.device_id)?.fault).length;

  return (
    <div className="page">
      <h1>Loads</h1>
      <div className="grid">
        <Card title="Fleet">
          {devices.data ? (
            <div className="stats">
              <Stat label="Loads now" value={formatPowerKw(loadsKw)} testId="loads-total" />
              <Stat label="Online" value={`${online} / ${fleet.length}`} />
              <Stat label="Faults" value={faulty === 0 ? 'none' : String(faulty)} />
            </div>
          ) : devices.isPending ? (
            <Loading what="the devices" />
          ) : null}
          <ErrorNote error={devices.error} />
        </Card>
        <SimulationCard timezone={tz} />
        {sections.map((section) => (
          <Card key={section.title} title={section.title} wide>
            <div className="table-scroll" tabIndex={0} role="region" aria-label={`${section.title} table`}>
              <table className="fleet">
                <thead>
                  <tr>
                    <th scope="col">Device</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">
                      Power
                    </th>
                    <th scope="col">Set-point</th>
                    <th scope="col" className="num">
                      Energy
                    </th>
                    <th scope="col">Last acknowledgement</th>
                    {operator ? <th scope="col">Commands</th> : null}
                  </tr>
                </thead>
                {section.groups.map((group) => (
                  <tbody key={group.type}>
                    <tr className="group-row">
                      <th scope="colgroup" colSpan={operator ? 7 : 6}>
                        {group.label} <span className="muted">({group.devices.length})</span>
                      </th>
                    </tr>
                    {group.devices.map((d) => (
                      <DeviceRow
                        key={d.device_id}
                        device={d}
                        now={current.get(d.device_id)}
                        ack={acks.get(d.device_id)}
                        clock={now}
                        timezone={tz}
                        operator={operator}
                      />
                    ))}
                  </tbody>
                ))}
              </table>
            </div>
          </Card>
        ))}
      </div>
    </div>
  );
}

function StatusBadge({ now }: { now: DeviceNow }) {
  if (now.fault) return <Badge tone="bad">{now.fault.replace('_', ' ')}</Badge>;
  if (now.status === 'offline') return <Badge tone="bad">offline</Badge>;
  if (!now.enabled) return <Badge tone="idle">disabled</Badge>;
  return <Badge tone="ok">online</Badge>;
}

function powerHint(device: FleetDevice, kw: number | null): string | null {
  if (kw === null) return null;
  if (device.device_type === 'bess' || device.device_type === 'pcs') {
    return Math.abs(kw) < 0.05 ? 'idle' : kw > 0 ? 'discharging' : 'charging';
  }
  if (device.device_type === 'pv_inverter') return 'output';
  return null;
}

function SetPointText({ device }: { device: FleetDevice }) {
  if (device.battery) {
    const soc = device.battery.soc_pct;
    return (
      <>
        {device.battery.mode}
        {device.battery.mode !== 'Standby' ? ` ${formatPowerKw(device.battery.setpoint_kw)}` : ''}
        {soc !== null ? <span className="muted"> · SOC {formatPercent(soc)}</span> : null}
      </>
    );
  }
  if (device.device_type === 'ev_charger') return <span className="muted">by the CSMS</span>;
  return device.power_setpoint === null ? (
    <span className="muted">daily pattern</span>
  ) : (
    <>{formatPowerKw(device.power_setpoint)}</>
  );
}

function DeviceRow({
  device,
  now,
  ack,
  clock,
  timezone,
  operator,
}: {
  device: FleetDevice;
  now: DeviceNow | undefined;
  ack: LiveItem<'dispatch_ack'> | undefined;
  clock: number;
  timezone: string | undefined;
  operator: boolean;
}) {
  const state = now ?? deviceNow(device, undefined, undefined);
  const hint = powerHint(device, state.powerKw);
  return (
    <tr data-testid={`device-row-${device.device_id}`}>
      <td>
        <div className="device-name">{device.name}</div>
        <div className="muted small">
          {[device.device_id, device.location].filter(Boolean).join(' · ')}
          <br />
          rated {formatPowerKw(device.base_power)}
        </div>
      </td>
      <td>
        <StatusBadge now={state} />
        <div className="muted small">
          {device.powered_on ? 'on' : 'off'} · {state.enabled ? 'enabled' : 'disabled'}
        </div>
      </td>
      <td className="num" data-testid={`device-power-${device.device_id}`}>
        <span className="device-power">{state.powerKw === null ? '—' : formatPowerKw(state.powerKw)}</span>
        <div className="muted small">
          {hint ? `${hint} · ` : ''}
          {state.readAt ? (
            <span title={`read at ${formatTime(state.readAt, timezone)}${state.source === 'rest' ? ' (REST)' : ''}`}>
              {formatAge(state.readAt, clock)}
            </span>
          ) : (
            'no reading yet'
          )}
        </div>
      </td>
      <td>
        <SetPointText device={device} />
      </td>
      <td className="num">{formatEnergyKwh(device.energy)}</td>
      <td className="small ack-cell" data-testid={`device-ack-${device.device_id}`}>
        {ack ? (
          <>
            <span className={ack.data.success ? 'outcome-ok' : 'outcome-bad'}>{ackText(ack.data)}</span>
            <div className="muted">{formatTime(ack.data.timestamp, timezone)}</div>
          </>
        ) : (
          <span className="muted">none yet</span>
        )}
      </td>
      {operator ? (
        <td>
          <DeviceCommands device={device} />
        </td>
      ) : null}
    </tr>
  );
}

function DeviceCommands({ device }: { device: FleetDevice }) {
  const queries = useQueryClient();
  const commands = commandsFor(device.device_type);
  const up = useAppUp('iot');
  const who = `${device.name} (${device.device_id})`;
  const send = async (command: DeviceCommand['command'], parameters?: Record<string, unknown>) => {
    try {
      return await sendCommand(device.device_id, command, parameters);
    } finally {
      void queries.invalidateQueries({ queryKey: DEVICES_KEY });
    }
  };
  return (
    <div className="device-actions">
      {commands.onOff ? (
        device.powered_on ? (
          <ConfirmButton
            disabled={!up}
            label="Turn off"
            danger
            question={`Turn off ${who}?${device.battery ? ' A battery goes to Standby.' : ''}`}
            run={() => send('turn_off')}
            describe={ackOutcome}
          />
        ) : (
          <ConfirmButton
            disabled={!up}
            label="Turn on"
            question={`Turn on ${who}?`}
            run={() => send('turn_on')}
            describe={ackOutcome}
          />
        )
      ) : null}
      {commands.setPoint ? <SetPointForm device={device} send={send} who={who} disabled={!up} /> : null}
      {commands.plug ? (
        <>
          <ConfirmButton
            disabled={!up}
            label="Plug in"
            question={`Plug a simulated EV into ${who}?`}
            run={() => send('plug_in')}
            describe={ackOutcome}
          />
          <ConfirmButton
            disabled={!up}
            label="Unplug"
            danger
            question={`Unplug the EV from ${who}?`}
            run={() => send('unplug')}
            describe={ackOutcome}
          />
        </>
      ) : null}
      {commands.enable ? (
        device.enabled ? (
          <ConfirmButton
            disabled={!up}
            label="Disable"
            danger
            question={`Disable ${who}? It stops publishing readings.`}
            run={() => send('disable')}
            describe={ackOutcome}
          />
        ) : (
          <ConfirmButton
            disabled={!up}
            label="Enable"
            question={`Enable ${who}? It publishes readings again.`}
            run={() => send('enable')}
            describe={ackOutcome}
          />
        )
      ) : null}
    </div>
  );
}

function SetPointForm({
  device,
  send,
  who,
  disabled,
}: {
  device: FleetDevice;
  send: (command: DeviceCommand['command'], parameters?: Record<string, unknown>) => Promise<CommandAck>;
  who: string;
  disabled: boolean;
}) {
  const id = useId();
  const battery = commandsFor(device.device_type).setPoint === 'battery';
  const [text, setText] = useState('');
  const [mode, setMode] = useState<'charge' | 'discharge'>('charge');
  const range = setPointRange(device);
  const value = parseSetPoint(text, range);
  const invalid = text.trim() !== '' && value === null;
  return (
    <span className="setpoint-form">
      {battery ? (
        <>
          <label htmlFor={`${id}-mode`} className="visually-hidden">
            Mode for {device.name}
          </label>
          <select id={`${id}-mode`} value={mode} onChange={(e) => setMode(e.target.value as 'charge' | 'discharge')}>
            <option value="charge">Charge</option>
            <option value="discharge">Discharge</option>
          </select>
        </>
      ) : null}
      <label htmlFor={`${id}-kw`} className="visually-hidden">
        {battery ? 'Power' : 'Set-point'} for {device.name} in kW
      </label>
      <input
        id={`${id}-kw`}
        className="setpoint-input"
        inputMode="decimal"
        placeholder="kW"
        value={text}
        aria-invalid={invalid || undefined}
        title={`${range.minExclusive ? 'above' : 'from'} ${range.min} to ${range.max} kW`}
        onChange={(e) => setText(e.target.value)}
      />
      <ConfirmButton
        label={battery ? 'Apply' : 'Set'}
        disabled={disabled || value === null}
        question={
          value === null
            ? ''
            : battery
              ? `${mode === 'charge' ? 'Charge' : 'Discharge'} ${who} at ${formatPowerKw(value)}?`
              : `Set ${who} to ${formatPowerKw(value)}?`
        }
        run={() => (battery ? send(mode, { power: value }) : send('set_power', { power: value }))}
        describe={ackOutcome}
      />
    </span>
  );
}

function SimulationCard({ timezone }: { timezone: string | undefined }) {
  const queries = useQueryClient();
  const up = useAppUp('iot');
  const status = useQuery({
    queryKey: SIMULATION_KEY,
    queryFn: () => api<SimulationStatus>('iot', '/api/v1/simulation/status'),
  });
  const toggle = async (action: 'start' | 'stop') => {
    const next = await api<SimulationStatus>('iot', `/api/v1/simulation/${action}`, { method: 'POST' });
    queries.setQueryData(SIMULATION_KEY, next);
    return next;
  };
  const describe = (result: unknown): Outcome => {
    const s = result as SimulationStatus;
    return { tone: 'ok', text: s.running ? `Running, every ${s.interval_s} s` : 'Stopped' };
  };
  const s = status.data;
  return (
    <Card
      title="Simulation"
      actions={
        s ? (
          <IfRole role="operator">
            {s.running ? (
              <ConfirmButton
                disabled={!up}
                label="Stop simulation"
                danger
                question="Stop the simulation? No device publishes readings until it is started again."
                run={() => toggle('stop')}
                describe={describe}
              />
            ) : (
              <ConfirmButton
                disabled={!up}
                label="Start simulation"
                question="Start the simulation? Every enabled device publishes readings again."
                run={() => toggle('start')}
                describe={describe}
              />
            )}
          </IfRole>
        ) : null
      }
    >
      <ErrorNote error={status.error} />
      {s ? (
        <div className="stats">
          <Stat
            label="State"
            testId="simulation-state"
            value={s.running ? <Badge tone="ok">running</Badge> : <Badge tone="idle">stopped</Badge>}
            hint={s.running && s.started_at ? `since ${formatDateTime(s.started_at, timezone)}` : undefined}
          />
          <Stat label="Interval" value={`${s.interval_s} s`} />
          <Stat
            label="Online / enabled"
            value={`${s.devices_online} / ${s.devices_enabled}`}
            hint={`of ${s.devices}`}
          />
          <Stat
            label="Messages"
            value={s.messages_published.toLocaleString('en')}
            hint={s.messages_failed ? `${s.messages_failed.toLocaleString('en')} failed` : 'none failed'}
          />
          <Stat
            label="Broker"
            value={s.mqtt_connected ? <Badge tone="ok">connected</Badge> : <Badge tone="bad">disconnected</Badge>}
          />
        </div>
      ) : status.isPending ? (
        <Loading what="the simulation" />
      ) : null}
    </Card>
  );
}
