import { Controller, DefaultValuePipe, Get, Param, ParseBoolPipe, ParseIntPipe, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { TransactionEntity } from '../persistence/entities';
import { TransactionsService } from './transactions.service';
import { RequireRole } from '@lib/auth';

const view = (t: TransactionEntity): Record<string, unknown> => ({
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

@ApiTags('transactions')
@RequireRole('viewer')
@Controller('transactions')
export class TransactionsController {
  constructor(private readonly transactions: TransactionsService) {}

  @Get()
  @ApiOperation({ summary: 'Transactions, newest first' })
  @ApiQuery({ name: 'station_id', required: false })
  @ApiQuery({ name: 'active', required: false, type: Boolean })
  @ApiQuery({ name: 'limit', required: false, example: 100 })
  async list(
    @Query('station_id') stationId?: string,
    @Query('active', new DefaultValuePipe(false), ParseBoolPipe) active = false,
    @Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit = 100,
  ): Promise<Record<string, unknown>[]> {
    return (await this.transactions.list({ stationId, active, limit: Math.min(Math.max(limit, 1), 1000) })).map(view);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One transaction with its energy' })
  async get(@Param('id', ParseIntPipe) id: number): Promise<Record<string, unknown>> {
    return view(await this.transactions.get(id));
  }
}
