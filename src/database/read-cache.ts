import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';

/** A cached answer: the JSON body as sent, and the organisation that owns what it shows (if any). */
export interface CachedBody {
  body: Buffer;
  ownerOrganisationId?: string;
}

/** The channel the triggers of migration NotifyReadModelChanges send on. */
export const READ_MODELS_CHANNEL = 'read_models';

/**
 * Bounded least-recently-used answers, each filed under tags (what it shows), so that one change
 * drops exactly the answers it makes stale. Pure bookkeeping: ReadCache decides when.
 */
export class TaggedLru {
  private readonly entries = new Map<string, { value: CachedBody; tags: string[]; bytes: number }>();
  private readonly keysByTag = new Map<string, Set<string>>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  get(key: string): CachedBody | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Most recently used last: Map keeps insertion order, so eviction takes the first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, tags: string[], value: CachedBody): void {
    const bytes = value.body.length + key.length * 2;
    if (bytes > this.maxBytes) return;
    this.delete(key);
    this.entries.set(key, { value, tags, bytes });
    this.bytes += bytes;
    for (const tag of tags) {
      let keys = this.keysByTag.get(tag);
      if (!keys) this.keysByTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.delete(oldest);
    }
  }

  invalidateTag(tag: string): void {
    const keys = this.keysByTag.get(tag);
    if (!keys) return;
    for (const key of [...keys]) this.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.keysByTag.clear();
    this.bytes = 0;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
    for (const tag of entry.tags) {
      const keys = this.keysByTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.keysByTag.delete(tag);
    }
  }
}

/** The tags a change notification makes stale ('*': everything). */
export function tagsInvalidatedBy(payload: string): string[] | '*' {
  if (payload.startsWith('matches:')) return [payload];
  if (payload.startsWith('need:')) return [`matches:${payload.slice('need:'.length)}`, 'needs'];
  return '*';
}

/**
 * The API's cache of its hottest read answers (a need's ranked matches, lists of needs), kept
 * correct by PostgreSQL rather than by time: triggers notify every change on commit, and each API
 * process LISTENs and drops what the change makes stale. So several API processes and the workers
 * that write the matches may change the data in any order, and no process serves an answer that a
 * committed change has made stale once the notification has arrived (a few milliseconds); this
 * process's own writes drop its whole cache before they are answered (see configureApp), so a
 * client reads its own writes.
 *
 * Without a listening connection (PostgreSQL away, not yet connected) nothing is served from or
 * stored in the cache: reads go to PostgreSQL and fail or succeed as they would without it. The
 * connection is opened on the first read, so processes that never read (workers) never open it.
 */
@Injectable()
export class ReadCache implements OnApplicationShutdown {
  private readonly logger = new Logger(ReadCache.name);
  private readonly store: TaggedLru;
  /** The connection that LISTENs, from its opening until it is lost. */
  private listener: Client | null = null;
  private listening = false;
  private connecting: Promise<void> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Bumped by every invalidation: an answer loaded across one is not stored. */
  private generation = 0;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.store = new TaggedLru(config.readCacheMaxMb * 1024 * 1024);
  }

  get enabled(): boolean {
    return this.config.readCacheMaxMb > 0;
  }

  /** The cached answer for `key`, or `load()`'s, stored under `tags` when nothing changed meanwhile. */
  async body(key: string, tags: string[], load: () => Promise<CachedBody | null>): Promise<CachedBody | null> {
    if (!this.enabled) return load();
    if (!this.listening) {
      this.listen();
      return load();
    }
    const cached = this.store.get(key);
    if (cached) return cached;
    const generation = this.generation;
    const loaded = await load();
    if (loaded && this.listening && generation === this.generation) this.store.set(key, tags, loaded);
    return loaded;
  }

  /** Drops everything: this process has just changed data (and its own notification is on its way). */
  invalidateAll(): void {
    this.generation++;
    this.store.clear();
  }

  /** What is cached now, and whether it is listening (the e2e tests watch both). */
  stats(): { entries: number; bytes: number; listening: boolean } {
    return { entries: this.store.size, bytes: this.store.usedBytes, listening: this.listening };
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.connecting?.catch(() => undefined);
    const listener = this.listener;
    // Ended on purpose: not a loss to report or recover from.
    this.listener = null;
    this.listening = false;
    await listener?.end().catch(() => undefined);
  }

  private invalidate(payload: string): void {
    const tags = tagsInvalidatedBy(payload);
    if (tags === '*') return this.invalidateAll();
    this.generation++;
    for (const tag of tags) this.store.invalidateTag(tag);
  }

  private listen(): void {
    if (this.connecting || this.reconnectTimer || this.closed) return;
    this.connecting = this.connect().finally(() => (this.connecting = null));
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.config.databaseUrl,
      connectionTimeoutMillis: this.config.databasePoolTimeoutMs,
      application_name: 'procurement-match-read-cache',
    });
    this.listener = client;
    client.on('notification', (message) => {
      if (message.channel === READ_MODELS_CHANNEL) this.invalidate(message.payload ?? '*');
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${READ_MODELS_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.listener !== client) return;
    if (this.closed) return void client.end().catch(() => undefined);
    // Changes made before LISTEN took effect were never announced to this process: start empty.
    this.invalidateAll();
    this.listening = true;
  }

  /** The listening connection is gone: stop serving from the cache, and try again shortly. */
  private lost(client: Client, error?: unknown): void {
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
    // An 'error' and then an 'end' of the same connection, or of one already replaced: nothing more to do.
    if (this.listener !== client) return;
    if (this.listening) this.logger.warn(`Read cache off until PostgreSQL can be listened to again: ${error instanceof Error ? error.message : 'connection ended'}`);
    this.listener = null;
    this.listening = false;
    this.invalidateAll();
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.listen();
    }, 1000);
    this.reconnectTimer.unref();
  }
}

@Global()
@Module({ providers: [ReadCache], exports: [ReadCache] })
export class ReadCacheModule {}
