import type { FlexibleLoadConfig } from '../gridpilot-optimizer.config';
import type { EvLoad } from '../inventory/ev-stations';

/** The flexible load the site charging limit steers (dispatch sends its kW to ocpp-csms). */
export const EV_LOAD = 'ev_charging';

/**
 * The flexible loads as they can run now: once ocpp-csms reports its stations, EV charging is
 * bounded by the sessions open (each up to `sessionMaxKw`), so no plan counts on cars that are not
 * plugged in. Without station reports (no CSMS on the bus) the configured bounds stand.
 */
export function boundEvLoad(
  loads: readonly FlexibleLoadConfig[],
  ev: Pick<EvLoad, 'stations' | 'sessions'>,
  sessionMaxKw: number,
): FlexibleLoadConfig[] {
  if (ev.stations === 0) return [...loads];
  const capKw = ev.sessions * sessionMaxKw;
  return loads.map((load) => {
    if (load.name !== EV_LOAD || load.maxKw <= capKw) return load;
    let left = capKw;
    const blocks = load.blocks
      .map((block) => {
        const kw = Math.min(block.kw, left);
        left -= kw;
        return { ...block, kw };
      })
      .filter((block) => block.kw > 0);
    return { ...load, maxKw: capKw, minKw: Math.min(load.minKw, capKw), blocks };
  });
}
