import { CarReading, ChargePointOptions, ChargePointSimulator } from '@lib/ocpp';

/**
 * The tests' charge point is libs/ocpp's simulator (a plain ocpp-rpc client, not the CSMS's code
 * and not iot-mock), configured as the tests drive it: two connectors, every call the CSMS makes
 * kept in `received`, remote start/stop acknowledged and left to the test, profiles stored as
 * they come.
 */
export type TestChargePoint = ChargePointSimulator;

export type TestChargePointOptions = Omit<ChargePointOptions, 'endpoint' | 'identity'>;

/** Connects a charge point for a test (no boot: the test sends what it needs). */
async function connect(url: string, identity: string, options: TestChargePointOptions = {}): Promise<TestChargePoint> {
  const cp = new ChargePointSimulator({
    connectors: 2,
    recordCalls: true,
    remoteControl: 'acknowledge',
    checkTxProfiles: false,
    vendor: 'TestVendor',
    model: 'TC-22',
    ...options,
    endpoint: url,
    identity,
  });
  await cp.connect();
  return cp;
}

export const TestChargePoint = { connect };

/** A car charging on a connector (`plugInCar`). */
export interface ChargingSession {
  transactionId: number;
  readings: CarReading[];
  /** Unplugs the car: its meter stops and its transaction ends. */
  stop: () => Promise<void>;
}

/**
 * A car without a battery limit on `connectorId`: Preparing, StartTransaction, Charging, then
 * MeterValues every `intervalMs` (and at once), in which it draws min(`carMaxW`, the limit its
 * profiles set now): a car that follows the charging profile the CSMS sends.
 */
export async function plugInCar(
  cp: TestChargePoint,
  connectorId: number,
  carMaxW: number,
  intervalMs = 1000,
): Promise<ChargingSession> {
  const result = await cp.plugIn(
    { idTag: `TAG-CAR-${connectorId}`, maxPowerW: carMaxW, phases: 3, battery: null },
    connectorId,
    intervalMs,
  );
  if (!result.started) throw new Error(`the car's transaction was refused (${result.idTagStatus})`);
  return {
    transactionId: result.transactionId,
    readings: cp.connector(connectorId).readings,
    stop: async () => {
      await cp.unplug(connectorId);
    },
  };
}
