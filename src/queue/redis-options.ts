import type { RedisOptions } from 'ioredis';

/** ioredis options from a `redis://[user:password@]host:port/db` URL. */
export function redisOptionsFromUrl(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  const db = url.pathname.replace(/^\//, '');
  return {
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: db ? Number(db) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    // Reconnect forever with a capped delay: Redis coming back must heal the process by itself.
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
  };
}
