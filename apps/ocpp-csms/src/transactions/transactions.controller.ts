import { Controller, DefaultValuePipe, Get, Param, ParseBoolPipe, ParseIntPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { TransactionViewDto, transactionView } from './transaction.view';
import { TransactionsService } from './transactions.service';
import { RequireRole } from '@lib/auth';

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
  @ApiOkResponse({ type: [TransactionViewDto] })
  async list(
    @Query('station_id') stationId?: string,
    @Query('active', new DefaultValuePipe(false), ParseBoolPipe) active = false,
    @Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit = 100,
  ): Promise<TransactionViewDto[]> {
    const limited = Math.min(Math.max(limit, 1), 1000);
    return (await this.transactions.list({ stationId, active, limit: limited })).map(transactionView);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One transaction with its energy' })
  @ApiOkResponse({ type: TransactionViewDto })
  @ApiResponse({ status: 404, description: 'Unknown transaction' })
  async get(@Param('id', ParseIntPipe) id: number): Promise<TransactionViewDto> {
    return transactionView(await this.transactions.get(id));
  }
}
