import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { DomainError } from 'src/common/errors/domain-error';
import { PRODUCER_REDIS } from 'src/queue/producer-redis.module';

// An address may fail more often than one account (an office behind one NAT shares an address).
const ADDRESS_LIMIT_FACTOR = 10;

/**
 * Counts failed logins per account and per address in Redis, so the limit holds across API
 * processes. When Redis is unreachable the limit is not enforced (logins keep working) and that is
 * logged: refusing every login during a Redis outage would be worse.
 */
@Injectable()
export class LoginThrottleService {
  private readonly logger = new Logger(LoginThrottleService.name);

  constructor(
    @Inject(PRODUCER_REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async assertAllowed(email: string, address: string): Promise<void> {
    const counts = await this.read([this.accountKey(email), this.addressKey(address)]);
    if (!counts) return;
    const [account, byAddress] = counts;
    if (account >= this.config.loginFailureLimit || byAddress >= this.config.loginFailureLimit * ADDRESS_LIMIT_FACTOR) {
      throw new DomainError('rate_limited', 'AUTH.TOO_MANY_FAILED_LOGINS', 'Too many failed sign-ins: wait and try again later.');
    }
  }

  async recordFailure(email: string, address: string): Promise<void> {
    const window = this.config.loginFailureWindowSeconds;
    try {
      await this.redis
        .multi()
        .incr(this.accountKey(email))
        .expire(this.accountKey(email), window, 'NX')
        .incr(this.addressKey(address))
        .expire(this.addressKey(address), window, 'NX')
        .exec();
    } catch (error) {
      this.logger.warn(`login failure not counted: ${(error as Error).message}`);
    }
  }

  async clear(email: string): Promise<void> {
    await this.redis.del(this.accountKey(email)).catch(() => undefined);
  }

  private async read(keys: string[]): Promise<number[] | null> {
    try {
      const values = await this.redis.mget(...keys);
      return values.map((value) => Number(value ?? 0));
    } catch (error) {
      this.logger.warn(`login throttle unavailable: ${(error as Error).message}`);
      return null;
    }
  }

  private accountKey(email: string): string {
    return `${this.config.queuePrefix}:login-failures:account:${email.toLowerCase()}`;
  }

  private addressKey(address: string): string {
    return `${this.config.queuePrefix}:login-failures:address:${address}`;
  }
}
