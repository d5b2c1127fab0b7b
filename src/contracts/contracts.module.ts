import { Module } from '@nestjs/common';
import { ContractsController } from 'src/contracts/contracts.controller';
import { ContractsRepository } from 'src/contracts/contracts.repository';
import { ContractsService } from 'src/contracts/contracts.service';
import { OutcomeReviewsService } from 'src/contracts/outcome-reviews.service';
import { MatchingModule } from 'src/matching/matching.module';
import { NeedsModule } from 'src/needs/needs.module';

@Module({
  imports: [NeedsModule, MatchingModule],
  controllers: [ContractsController],
  providers: [ContractsRepository, ContractsService, OutcomeReviewsService],
  exports: [ContractsService],
})
export class ContractsModule {}
