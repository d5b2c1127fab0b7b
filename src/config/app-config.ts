import { randomBytes } from 'node:crypto';

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The service's whole configuration, read from the environment once at start-up. */
export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  host: string;
  databaseUrl: string;
  /** How long a request waits for a pooled PostgreSQL connection before failing with 503 (ms). */
  databasePoolTimeoutMs: number;
  databasePoolSize: number;
  redisUrl: string;
  queuePrefix: string;
  /** Whether `npm start` also runs the queue workers inside the API process. */
  runWorkersInApi: boolean;
  workerConcurrency: number;
  /** How long a worker's lock on a job lasts (ms); a killed worker's jobs are retried after it lapses. */
  workerLockDurationMs: number;
  /** How often workers look for jobs whose worker died (ms). */
  workerStalledIntervalMs: number;
  /** How often each worker re-creates the work PostgreSQL says is owed (ms). */
  reconcileIntervalMs: number;
  jwtSecret: string;
  /** What the key that encrypts webhook subscription secrets is derived from. */
  webhookSecretKey: string;
  /** Access token lifetime in seconds. */
  jwtExpiresIn: number;
  adminEmail: string;
  adminPassword: string;
  logLevel: LogLevel;
  /** A request not answered within this time gets 503 (a frozen dependency must not hang clients), ms. */
  requestTimeoutMs: number;
  /** JSON body limit in bytes. */
  bodyLimitBytes: number;
  /** Import body limit in bytes (streamed, never buffered whole). */
  importBodyLimitBytes: number;
  corsOrigins: string[];
  /** Writes a signed-in user may make per minute. */
  writeRateLimitPerMinute: number;
  /** Failed logins allowed per account (and per address) in the login window. */
  loginFailureLimit: number;
  loginFailureWindowSeconds: number;
  /** How many matches each need keeps. */
  matchesPerNeed: number;
  /** How many need-scoring jobs a matching worker scores and writes together (one transaction). */
  matchingBatchSize: number;
  ocidPrefix: string;
  webhooksAllowPrivate: boolean;
  /** Memory for the API's cache of hot read answers (MB); 0 turns it off. */
  readCacheMaxMb: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const NODE_ENVS: readonly NodeEnv[] = ['development', 'production', 'test'];
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

// Used only outside production, where a missing secret must not stop a developer from starting.
// It is random per process, so tokens do not survive a restart: set JWT_SECRET to keep them.
const DEVELOPMENT_JWT_SECRET = randomBytes(32).toString('hex');
// Outside production every process (API, workers started apart) must read the webhook secrets the
// others stored, so this one is fixed, and worthless anywhere that matters.
const DEVELOPMENT_WEBHOOK_SECRET_KEY = 'development-only-webhook-secret-key-not-for-production';

/**
 * Reads and validates the environment. Every bad key is collected so that one failed start names
 * them all, instead of one per attempt.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const reader = new EnvReader(env, problems);

  const nodeEnv = reader.oneOf('NODE_ENV', NODE_ENVS, 'development');
  const production = nodeEnv === 'production';

  const jwtSecret = reader.string('JWT_SECRET', production ? undefined : DEVELOPMENT_JWT_SECRET);
  if (jwtSecret !== undefined && production && jwtSecret.length < 32) {
    problems.push('JWT_SECRET: must be at least 32 characters in production');
  }
  // In production it defaults to JWT_SECRET, as it did before it could be set apart.
  // (A missing JWT_SECRET is reported once, under its own name.)
  const webhookSecretKey = reader.string('WEBHOOK_SECRET_KEY', production ? (jwtSecret ?? '') : DEVELOPMENT_WEBHOOK_SECRET_KEY);
  if (webhookSecretKey && production && webhookSecretKey.length < 32) {
    problems.push('WEBHOOK_SECRET_KEY: must be at least 32 characters in production');
  }
  const adminPassword = reader.string('ADMIN_PASSWORD', production ? undefined : 'change-me-admin-password');
  if (adminPassword !== undefined && adminPassword.length < 12) {
    problems.push('ADMIN_PASSWORD: must be at least 12 characters');
  }
  const adminEmail = reader.string('ADMIN_EMAIL', 'admin@procurement-match.local');
  if (adminEmail !== undefined && !/^[^\s@]+@[^\s@]+$/.test(adminEmail)) {
    problems.push('ADMIN_EMAIL: must be an email address');
  }

  const config: AppConfig = {
    nodeEnv,
    port: reader.integer('PORT', 3000, 0, 65535),
    host: reader.string('HOST', '0.0.0.0') ?? '0.0.0.0',
    databaseUrl: reader.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/procurement_match', [
      'postgres:',
      'postgresql:',
    ]),
    databasePoolTimeoutMs: reader.integer('DATABASE_POOL_TIMEOUT_MS', 2000, 100, 60000),
    databasePoolSize: reader.integer('DATABASE_POOL_SIZE', 10, 1, 200),
    redisUrl: reader.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    queuePrefix: reader.pattern('QUEUE_PREFIX', 'pm', /^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ (1–64)'),
    runWorkersInApi: reader.boolean('RUN_WORKERS_IN_API', true),
    workerConcurrency: reader.integer('WORKER_CONCURRENCY', 4, 1, 256),
    workerLockDurationMs: reader.integer('WORKER_LOCK_DURATION_MS', 30_000, 1000, 600_000),
    workerStalledIntervalMs: reader.integer('WORKER_STALLED_INTERVAL_MS', 30_000, 1000, 600_000),
    reconcileIntervalMs: reader.integer('RECONCILE_INTERVAL_MS', 30_000, 1000, 3_600_000),
    jwtSecret: jwtSecret ?? '',
    webhookSecretKey: webhookSecretKey ?? '',
    jwtExpiresIn: reader.integer('JWT_EXPIRES_IN_SECONDS', 3600, 60, 60 * 60 * 24 * 30),
    adminEmail: adminEmail ?? '',
    adminPassword: adminPassword ?? '',
    logLevel: reader.oneOf('LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'warn' : 'info'),
    requestTimeoutMs: reader.integer('REQUEST_TIMEOUT_MS', 10_000, 100, 600_000),
    bodyLimitBytes: reader.integer('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 50 * 1024 * 1024),
    importBodyLimitBytes: reader.integer('IMPORT_BODY_LIMIT_BYTES', 100 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    corsOrigins: reader.list('CORS_ORIGINS'),
    writeRateLimitPerMinute: reader.integer('WRITE_RATE_LIMIT_PER_MINUTE', 1000, 1, 1_000_000),
    loginFailureLimit: reader.integer('LOGIN_FAILURE_LIMIT', 10, 1, 10_000),
    loginFailureWindowSeconds: reader.integer('LOGIN_FAILURE_WINDOW_SECONDS', 15 * 60, 1, 24 * 60 * 60),
    matchesPerNeed: reader.integer('MATCHES_PER_NEED', 100, 1, 10_000),
    matchingBatchSize: reader.integer('MATCHING_BATCH_SIZE', 32, 1, 1000),
    ocidPrefix: reader.pattern('OCID_PREFIX', 'ocds-pmatch', /^ocds-[a-z0-9-]{1,40}$/, 'an OCDS prefix such as ocds-abc123'),
    webhooksAllowPrivate: reader.boolean('WEBHOOKS_ALLOW_PRIVATE', false),
    readCacheMaxMb: reader.integer('READ_CACHE_MAX_MB', 64, 0, 4096),
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(key: string): string | undefined {
    const value = this.env[key];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(key: string, fallback: string | undefined): string | undefined {
    const value = this.raw(key) ?? fallback;
    if (value === undefined) this.problems.push(`${key}: is required`);
    return value;
  }

  integer(key: string, fallback: number, min: number, max: number): number {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${key}: must be a whole number from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return parsed;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw(key)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    this.problems.push(`${key}: must be true or false (got "${value}")`);
    return fallback;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${key}: must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  }

  url(key: string, fallback: string, protocols: string[]): string {
    const value = this.raw(key) ?? fallback;
    try {
      const url = new URL(value);
      if (!protocols.includes(url.protocol)) {
        this.problems.push(`${key}: must be a ${protocols.join(' or ')}// URL`);
      }
    } catch {
      this.problems.push(`${key}: must be a URL`);
    }
    return value;
  }

  pattern(key: string, fallback: string, pattern: RegExp, description: string): string {
    const value = this.raw(key) ?? fallback;
    if (!pattern.test(value)) this.problems.push(`${key}: must be ${description} (got "${value}")`);
    return value;
  }

  list(key: string): string[] {
    const value = this.raw(key);
    return value === undefined ? [] : value.split(',').map((item) => item.trim()).filter(Boolean);
  }
}
