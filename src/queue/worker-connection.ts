import type { RedisOptions } from 'ioredis';
import { AppConfig } from 'src/config/app-config';
import { redisOptionsFromUrl } from 'src/queue/redis-options';

/**
 * Connection options for BullMQ workers. Workers block on Redis and must retry forever, so BullMQ
 * requires `maxRetriesPerRequest: null` (the API's producer connection fails fast instead).
 */
export function workerConnectionOptions(config: AppConfig): RedisOptions {
  return { ...redisOptionsFromUrl(config.redisUrl), maxRetriesPerRequest: null, enableOfflineQueue: true };
}
