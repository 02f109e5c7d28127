import { ApiProperty } from '@nestjs/swagger';
import type { TransactionEntity } from '../persistence/entities';

/** GET /transactions item and GET /transactions/{id}: a charging session with its energy. */
export class TransactionViewDto {
  @ApiProperty({ example: 1 }) transaction_id!: number;
  @ApiProperty({ example: 'CP-001' }) station_id!: string;
  @ApiProperty({ example: 1 }) connector_id!: number;
  @ApiProperty({ example: 'TAG-001' }) id_tag!: string;
  @ApiProperty() meter_start_wh!: number;
  @ApiProperty({ type: Number, nullable: true }) meter_stop_wh!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'so far, while active' }) energy_wh!: number | null;
  @ApiProperty({ example: '2026-12-04T10:00:00.000Z' }) started_at!: string;
  @ApiProperty({ type: String, nullable: true }) stopped_at!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Local' }) stop_reason!: string | null;
  @ApiProperty() active!: boolean;
}

export const transactionView = (t: TransactionEntity): TransactionViewDto => ({
  transaction_id: t.id,
  station_id: t.stationId,
  connector_id: t.connectorId,
  id_tag: t.idTag,
  meter_start_wh: t.meterStartWh,
  meter_stop_wh: t.meterStopWh,
  energy_wh: t.energyWh,
  started_at: t.startedAt.toISOString(),
  stopped_at: t.stoppedAt?.toISOString() ?? null,
  stop_reason: t.stopReason,
  active: t.stoppedAt === null,
});
