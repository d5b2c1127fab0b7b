import { Inject, Injectable, Logger } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import Redis from 'ioredis';
import { withTimeout } from 'src/common/with-timeout';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { PRODUCER_REDIS } from 'src/queue/producer-redis.module';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** A slower answer than this and the request is counted in memory instead (Redis is struggling). */
const REDIS_BUDGET_MS = 250;

// One round trip: count the hit in a fixed window, and start a block once the limit is passed.
// Returns [hits, window ms left, block ms left (<= 0: not blocked)].
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local windowLeft = redis.call('PTTL', KEYS[1])
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft <= 0 and hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  blockLeft = tonumber(ARGV[3])
end
return {hits, windowLeft, blockLeft}`;

/**
 * The write rate limit counted in Redis, so that it holds across API processes (counted per process,
 * a limit of 1,000 a minute would be 1,000 per process behind a load balancer). When Redis cannot
 * answer within a quarter second, the hit is counted in this process's memory instead: writes keep
 * working through a Redis outage, as they do for everything else that does not need the queue.
 */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private readonly fallback = new ThrottlerStorageService();

  constructor(
    @Inject(PRODUCER_REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const base = `${this.config.queuePrefix}:throttle:${throttlerName}:${key}`;
    try {
      const [hits, windowLeft, blockLeft] = await withTimeout(
        this.redis.eval(INCREMENT, 2, `${base}:hits`, `${base}:blocked`, ttl, limit, blockDuration) as Promise<number[]>,
        REDIS_BUDGET_MS,
      );
      return { totalHits: hits, timeToExpire: seconds(windowLeft), isBlocked: blockLeft > 0, timeToBlockExpire: seconds(blockLeft) };
    } catch (error) {
      this.logger.warn(`write rate limit counted in this process only: ${(error as Error).message}`);
      return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }
}

function seconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}
