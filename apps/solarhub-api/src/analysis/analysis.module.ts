import { Module } from '@nestjs/common';
import { AnalysisController } from './analysis.controller';
import { AnalysisService, HistoryQueries } from './analysis.service';

/** `/api/v1/analysis`: energy, losses and frequency from the stored history (also the meters' aux day). */
@Module({
  controllers: [AnalysisController],
  providers: [HistoryQueries, AnalysisService],
  exports: [HistoryQueries, AnalysisService],
})
export class AnalysisModule {}
