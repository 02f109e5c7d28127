import {
  Controller,
  DefaultValuePipe,
  Get,
  Param,
  ParseBoolPipe,
  ParseIntPipe,
  PipeTransform,
  Query,
  Res,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ValidationDetail } from '@lib/observability';
import type { FastifyReply } from 'fastify';
import { TransactionViewDto, transactionView } from './transaction.view';
import { TransactionsService } from './transactions.service';
import { RequireRole } from '@lib/auth';

/** `offset`: a whole number, 0 or more (absent: 0); anything else a 422 naming it. */
class OffsetPipe implements PipeTransform<string | undefined, number> {
  transform(value: string | undefined): number {
    if (value === undefined || value === '') return 0;
    const n = Number(value);
    if (/^\d+$/.test(value) && Number.isSafeInteger(n)) return n;
    throw new UnprocessableEntityException({
      detail: [
        {
          type: 'int_parsing',
          loc: ['query', 'offset'],
          msg: 'Input should be a whole number, 0 or more',
          input: value,
        },
      ] satisfies ValidationDetail[],
    });
  }
}

@ApiTags('transactions')
@RequireRole('viewer')
@Controller('transactions')
export class TransactionsController {
  constructor(private readonly transactions: TransactionsService) {}

  @Get()
  @ApiOperation({
    summary:
      'Transactions, newest first; offset and limit (at most 1,000) page them, the total of those matching in X-Total-Count',
  })
  @ApiQuery({ name: 'station_id', required: false })
  @ApiQuery({ name: 'active', required: false, type: Boolean })
  @ApiQuery({ name: 'limit', required: false, example: 100 })
  @ApiQuery({ name: 'offset', required: false, example: 0, type: Number })
  @ApiOkResponse({ type: [TransactionViewDto] })
  async list(
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('station_id') stationId?: string,
    @Query('active', new DefaultValuePipe(false), ParseBoolPipe) active = false,
    @Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit = 100,
    @Query('offset', new OffsetPipe()) offset = 0,
  ): Promise<TransactionViewDto[]> {
    const limited = Math.min(Math.max(limit, 1), 1000);
    const { rows, total } = await this.transactions.list({ stationId, active, limit: limited, offset });
    void reply.header('x-total-count', String(total));
    return rows.map(transactionView);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One transaction with its energy' })
  @ApiOkResponse({ type: TransactionViewDto })
  @ApiResponse({ status: 404, description: 'Unknown transaction' })
  async get(@Param('id', ParseIntPipe) id: number): Promise<TransactionViewDto> {
    return transactionView(await this.transactions.get(id));
  }
}
