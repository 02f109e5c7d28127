import type { PcsAlertWords } from '@lib/contracts';
import type {
  BessReadingEntity,
  InverterReadingEntity,
  MeterReadingEntity,
  PcsReadingEntity,
  RackReadingEntity,
} from '../storage/entities';

/** History rows as inserted; the latest value of a unit is the same row, kept in Redis. */
export type BessRow = Omit<BessReadingEntity, 'id'>;
export type RackRow = Omit<RackReadingEntity, 'id'>;
export type PcsRow = Omit<PcsReadingEntity, 'id'>;
export type MeterRow = Omit<MeterReadingEntity, 'id'>;
export type InverterRow = Omit<InverterReadingEntity, 'id'>;

export interface BessLatest extends BessRow {
  racks: RackRow[];
}

export interface InverterDetail {
  mppt: { mppt_id: number; voltage: number; current: number; power: number }[];
  strings: { string_id: number; current: number }[];
  phases: { phase: string; voltage: number; current: number }[];
  irradiance_w_m2: number | null;
}

/** Rack alarm flags as bits of `alarm_bits`, with the level each raises. */
export const RACK_ALARMS = [
  { flag: 'over_temperature', bit: 1, level: 'warning', text: 'High Temperature' },
  { flag: 'under_voltage', bit: 2, level: 'protection', text: 'Under Voltage' },
  { flag: 'over_voltage', bit: 4, level: 'protection', text: 'Over Voltage' },
  { flag: 'cell_imbalance', bit: 8, level: 'warning', text: 'Cell Imbalance' },
] as const;

export const PCS_ALERT_WORDS: readonly (keyof PcsAlertWords)[] = [
  'inverter_status',
  'inverter_inhibits1_status',
  'environment_status',
  'warning_status',
  'grid_status',
  'fault_status1',
  'fault_status2',
];

export type PcsWordColumn =
  | 'inverterStatus'
  | 'inverterInhibits1Status'
  | 'environmentStatus'
  | 'warningStatus'
  | 'gridStatus'
  | 'faultStatus1'
  | 'faultStatus2';

/** PcsRow column of each alert word. */
export const PCS_WORD_COLUMNS: Record<keyof PcsAlertWords, PcsWordColumn> = {
  inverter_status: 'inverterStatus',
  inverter_inhibits1_status: 'inverterInhibits1Status',
  environment_status: 'environmentStatus',
  warning_status: 'warningStatus',
  grid_status: 'gridStatus',
  fault_status1: 'faultStatus1',
  fault_status2: 'faultStatus2',
};

/** A 16-bit word as the document shows it: 16 binary digits, most significant first. */
export const word16 = (value: number): string => (value & 0xffff).toString(2).padStart(16, '0');
