import type { EnergyFlow } from '../lib/energy-flow';
import { formatPowerKw } from '../lib/units';

interface Node {
  id: string;
  label: string;
  value: string;
  x: number;
  y: number;
  color: string;
  sub?: string;
}

/** A line from the site's hub to a node, animated in the direction energy flows (none when idle). */
function Flow({
  from,
  to,
  active,
  reverse,
  color,
}: {
  from: Node;
  to: Node;
  active: boolean;
  reverse: boolean;
  color: string;
}) {
  const [a, b] = reverse ? [to, from] : [from, to];
  return (
    <line
      x1={a.x}
      y1={a.y}
      x2={b.x}
      y2={b.y}
      className={active ? 'flow-line flow-active' : 'flow-line'}
      style={{ stroke: `var(${color})` }}
    />
  );
}

/**
 * The site as a picture: the plant at the top, the grid on the left, the battery on the right, the
 * loads and the EV chargers below, each with its live power. Lines move the way energy flows.
 */
export function EnergyFlowView({ flow }: { flow: EnergyFlow }) {
  const hub: Node = { id: 'site', label: 'Site', value: '', x: 300, y: 170, color: '--fg-muted' };
  const nodes: Node[] = [
    {
      id: 'generation',
      label: 'Plant generation',
      value: flow.generationKw === null ? '—' : formatPowerKw(flow.generationKw),
      x: 300,
      y: 50,
      color: '--c-pv',
    },
    {
      id: 'grid',
      label: 'Grid',
      value: flow.gridKw === null ? '—' : formatPowerKw(Math.abs(flow.gridKw)),
      sub: flow.direction.grid === 'idle' ? 'balanced' : flow.direction.grid,
      x: 80,
      y: 170,
      color: '--c-grid',
    },
    {
      id: 'battery',
      label: 'Battery',
      value: flow.batteryKw === null ? '—' : formatPowerKw(Math.abs(flow.batteryKw)),
      sub: flow.direction.battery,
      x: 520,
      y: 170,
      color: '--c-battery',
    },
    { id: 'loads', label: 'Loads', value: formatPowerKw(flow.loadsKw), x: 170, y: 300, color: '--c-load' },
    { id: 'ev', label: 'EV charging', value: formatPowerKw(flow.evKw), x: 430, y: 300, color: '--c-ev' },
  ];
  const node = (id: string): Node => nodes.find((n) => n.id === id) ?? hub;
  return (
    <svg
      viewBox="0 -10 600 370"
      className="energy-flow"
      role="img"
      aria-label={`Energy flow: ${nodes.map((n) => `${n.label} ${n.value}${n.sub ? ` ${n.sub}` : ''}`).join(', ')}`}
    >
      <Flow
        from={node('generation')}
        to={hub}
        active={(flow.generationKw ?? 0) > 0.05}
        reverse={false}
        color="--c-pv"
      />
      <Flow
        from={hub}
        to={node('grid')}
        active={flow.direction.grid !== 'idle'}
        reverse={flow.direction.grid === 'import'}
        color="--c-grid"
      />
      <Flow
        from={hub}
        to={node('battery')}
        active={flow.direction.battery !== 'idle'}
        reverse={flow.direction.battery === 'discharging'}
        color="--c-battery"
      />
      <Flow from={hub} to={node('loads')} active={flow.loadsKw > 0.05} reverse={false} color="--c-load" />
      <Flow from={hub} to={node('ev')} active={flow.evKw > 0.05} reverse={false} color="--c-ev" />
      <circle cx={hub.x} cy={hub.y} r={10} className="flow-hub" />
      {nodes.map((n) => (
        <g key={n.id} transform={`translate(${n.x} ${n.y})`} data-testid={`flow-${n.id}`}>
          <circle r={34} className="flow-node" style={{ stroke: `var(${n.color})` }} />
          <text className="flow-value" textAnchor="middle" dy="0.1em">
            {n.value}
          </text>
          <text className="flow-label" textAnchor="middle" dy={n.y < 60 ? '-2.9em' : '3.6em'}>
            {n.label}
            {n.sub ? ` · ${n.sub}` : ''}
          </text>
        </g>
      ))}
    </svg>
  );
}
