import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import { withTimeout } from 'src/common/with-timeout';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { redisOptionsFromUrl } from 'src/queue/redis-options';

const PING_TIMEOUT_MS = 1000;

@Injectable()
export class RedisHealthIndicator implements OnModuleDestroy {
  // A connection of its own that never queues commands while offline, so a ping answers at once
  // (and readiness says 503 within the timeout) instead of waiting for Redis to come back.
  private readonly client: Redis;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly health: HealthIndicatorService,
  ) {
    this.client = new Redis({
      ...redisOptionsFromUrl(config.redisUrl),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: false,
      connectTimeout: PING_TIMEOUT_MS,
    });
    // Connection errors are reported by the check; without a listener ioredis would log each one.
    this.client.on('error', () => undefined);
  }

  async check(key: string) {
    const indicator = this.health.check(key);
    try {
      await withTimeout(this.client.ping(), PING_TIMEOUT_MS);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : 'unreachable' });
    }
  }

  onModuleDestroy(): void {
    this.client.disconnect();
  }
}
