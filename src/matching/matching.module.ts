import { Module } from '@nestjs/common';
import { MatchesController } from 'src/matching/matches.controller';
import { MatchesRepository } from 'src/matching/matches.repository';
import { MatchesService } from 'src/matching/matches.service';
import { NeedsModule } from 'src/needs/needs.module';
import { QueueModule } from 'src/queue/queue.module';

/** The API side of matching: ranked matches, buyers' decisions, suppliers' opportunities. */
@Module({
  imports: [NeedsModule, QueueModule],
  controllers: [MatchesController],
  providers: [MatchesRepository, MatchesService],
  exports: [MatchesService],
})
export class MatchingModule {}
