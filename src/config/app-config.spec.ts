import { ConfigError, loadConfig } from 'src/config/app-config';

describe('loadConfig', () => {
  it('works with no environment at all on a machine with local PostgreSQL and Redis', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/procurement_match',
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'pm',
      runWorkersInApi: true,
      matchesPerNeed: 100,
    });
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('names every bad key at once', () => {
    const attempt = () =>
      loadConfig({ PORT: 'eighty', REDIS_URL: 'http://x', WORKER_CONCURRENCY: '0', RUN_WORKERS_IN_API: 'maybe' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const keys = (error as ConfigError).problems.map((problem) => problem.split(':')[0]);
      expect(keys).toEqual(['PORT', 'REDIS_URL', 'RUN_WORKERS_IN_API', 'WORKER_CONCURRENCY']);
    }
  });

  it('requires JWT_SECRET and ADMIN_PASSWORD in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: is required[\s\S]*ADMIN_PASSWORD: is required/);
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      ADMIN_PASSWORD: 'a-long-enough-password',
      RUN_WORKERS_IN_API: 'false',
      WORKER_CONCURRENCY: '8',
    });
    expect(config).toMatchObject({ nodeEnv: 'production', runWorkersInApi: false, workerConcurrency: 8 });
  });

  it('derives the webhook secret key from WEBHOOK_SECRET_KEY, else JWT_SECRET in production, else one fixed development key', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'j'.repeat(40), ADMIN_PASSWORD: 'a-long-enough-password' };
    expect(loadConfig(production).webhookSecretKey).toBe('j'.repeat(40));
    expect(loadConfig({ ...production, WEBHOOK_SECRET_KEY: 'w'.repeat(40) }).webhookSecretKey).toBe('w'.repeat(40));
    expect(() => loadConfig({ ...production, WEBHOOK_SECRET_KEY: 'short' })).toThrow(/WEBHOOK_SECRET_KEY: must be at least 32 characters/);
    // Two development processes (an API and a worker started apart) read each other's secrets.
    expect(loadConfig({}).webhookSecretKey).toBe(loadConfig({}).webhookSecretKey);
    expect(() => loadConfig({ NODE_ENV: 'production' })).not.toThrow(/WEBHOOK_SECRET_KEY/);
  });

  it.each([
    ['QUEUE_PREFIX', 'bad prefix!'],
    ['NODE_ENV', 'staging'],
    ['DATABASE_URL', 'mysql://localhost/x'],
    ['LOG_LEVEL', 'loud'],
  ])('refuses %s=%p', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(new RegExp(`${key}:`));
  });
});
