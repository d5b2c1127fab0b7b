import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { redisOptionsFromUrl } from 'src/queue/redis-options';

/** The Redis connection the API enqueues through, shared by every queue producer. */
export const PRODUCER_REDIS = Symbol('PRODUCER_REDIS');

// Producers fail fast while Redis is down (the API answers 503) instead of buffering commands in
// memory. The connection is ours, not BullMQ's, so closing the app while Redis is away cannot throw:
// BullMQ leaves a shared connection open and we simply disconnect it.
@Global()
@Module({
  providers: [
    {
      provide: PRODUCER_REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const client = new Redis({ ...redisOptionsFromUrl(config.redisUrl), enableOfflineQueue: false, maxRetriesPerRequest: 1 });
        // Reported through readiness and enqueue failures; an unhandled 'error' would crash the process.
        client.on('error', () => undefined);
        return client;
      },
    },
  ],
  exports: [PRODUCER_REDIS],
})
export class ProducerRedisModule implements OnApplicationShutdown {
  constructor(@Inject(PRODUCER_REDIS) private readonly client: Redis) {}

  onApplicationShutdown(): void {
    this.client.disconnect();
  }
}
