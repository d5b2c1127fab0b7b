import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { JobsService } from 'src/queue/jobs.service';
import { PRODUCER_REDIS, ProducerRedisModule } from 'src/queue/producer-redis.module';
import { DEFAULT_JOB_OPTIONS, QUEUE_NAMES } from 'src/queue/queue.definitions';
import { redisOptionsFromUrl } from 'src/queue/redis-options';

const queueRegistrations = QUEUE_NAMES.map((name) =>
  BullModule.registerQueueAsync({
    name,
    imports: [ProducerRedisModule],
    inject: [PRODUCER_REDIS],
    useFactory: (connection: Redis) => ({ connection, defaultJobOptions: DEFAULT_JOB_OPTIONS }),
  }),
);

@Module({
  imports: [
    ProducerRedisModule,
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // Workers block on Redis: BullMQ requires maxRetriesPerRequest null for their connections.
        connection: { ...redisOptionsFromUrl(config.redisUrl), maxRetriesPerRequest: null },
        prefix: config.queuePrefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      }),
    }),
    ...queueRegistrations,
  ],
  providers: [JobsService],
  exports: [JobsService, ...queueRegistrations],
})
export class QueueModule {}
