import { Module } from '@nestjs/common';
import { MatchingProcessor } from 'src/matching/jobs/matching.processor';
import { MatchingCorpusService } from 'src/matching/matching-corpus.service';
import { MatchingJobsService } from 'src/matching/matching-jobs.service';
import { MatchingRepository } from 'src/matching/matching.repository';
import { QueueModule } from 'src/queue/queue.module';
import { WebhooksWorkerModule } from 'src/webhooks/webhooks-worker.module';

/** The matching queue's processor and the in-memory corpus it scores against. */
@Module({
  // WebhooksWorkerModule: match writes record the webhook events they qualify for.
  imports: [QueueModule, WebhooksWorkerModule],
  providers: [MatchingRepository, MatchingCorpusService, MatchingJobsService, MatchingProcessor],
  exports: [MatchingJobsService, MatchingCorpusService],
})
export class MatchingWorkerModule {}
