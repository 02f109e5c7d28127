/**
 * The battery set-point: what gridpilot-optimizer (or anyone with a device command topic) asks a
 * BESS to do, and what the BESS answers in its acknowledgement.
 *
 * Sign convention, as in the BESS telemetry (`BessData.power`): `power_kw` > 0 discharges into
 * the site, < 0 charges from it, 0 stands by. The device clamps the request to its power rating
 * and to its SOC limits (no charging at its maximum SOC, no discharging at its minimum) and says
 * so in the ack's `result` (BessSetPointResult).
 */
import { Type, plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { BOUNDS } from './bounds';
import { DeviceCommandMessage } from './devices';

const finite = { allowNaN: false, allowInfinity: false } as const;

export class BessSetPointParameters {
  /** kW, signed: + discharge, − charge. */
  @Max(BOUNDS.powerKw)
  @Min(-BOUNDS.powerKw)
  @IsNumber(finite)
  power_kw!: number;
}

/** `set_power` with `parameters.power_kw`: a device command the registry refines to this class. */
export class BessSetPointCommand extends DeviceCommandMessage {
  @IsIn(['set_power']) declare command: 'set_power';

  @Type(() => BessSetPointParameters)
  @ValidateNested()
  @IsObject()
  declare parameters: BessSetPointParameters & Record<string, unknown>;
}

export const BESS_SET_POINT_STATUSES = ['accepted', 'clamped', 'rejected'] as const;
export type BessSetPointStatus = (typeof BESS_SET_POINT_STATUSES)[number];

/** The `result` of a set-point's acknowledgement. */
export class BessSetPointResult {
  @IsIn(BESS_SET_POINT_STATUSES) status!: BessSetPointStatus;
  /** What was asked (kW, signed as power_kw). */
  @Max(BOUNDS.powerKw) @Min(-BOUNDS.powerKw) @IsNumber(finite) requested_kw!: number;
  /** What the battery now does (kW, signed as power_kw); 0 when rejected. */
  @Max(BOUNDS.powerKw) @Min(-BOUNDS.powerKw) @IsNumber(finite) power_kw!: number;
  /** Why the request was clamped or rejected: `power_rating`, `soc_max`, `soc_min`, `disabled`. */
  @IsOptional() @MaxLength(64) @IsString() reason?: string;
  @IsOptional() @Max(100) @Min(0) @IsNumber(finite) soc_pct?: number;
}

/** The discriminated union of device commands: a battery set-point, or any other command. */
export function commandMessageClass(base: DeviceCommandMessage): new () => DeviceCommandMessage {
  const parameters = base.parameters;
  return base.command === 'set_power' &&
    typeof parameters === 'object' &&
    parameters !== null &&
    Object.hasOwn(parameters, 'power_kw')
    ? BessSetPointCommand
    : DeviceCommandMessage;
}

/** An ack's `result` read as a set-point result, or null when it is not one. */
export function readBessSetPointResult(result: unknown): BessSetPointResult | null {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return null;
  const value = plainToInstance(BessSetPointResult, result);
  return validateSync(value).length === 0 ? value : null;
}
