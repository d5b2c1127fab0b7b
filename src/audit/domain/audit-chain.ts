import { createHash } from 'node:crypto';

// A hash chain over the append-only audit log: each event's hash covers its content and the previous
// event's hash, so editing, deleting or inserting a row breaks the chain from that row on.
//
// Two things the chain relies on from the code that appends:
// - appends are serialised (one writer at a time reads the head and writes the next row), and
// - sequence is the head's sequence + 1 taken inside that lock, not a PostgreSQL sequence, because a
//   rolled-back transaction burns a sequence value and the gap would read as a deleted row.
// Without a secret key, someone who can rewrite every row after the tampered one can recompute the
// chain; publishing or storing the head hash elsewhere closes that gap, and the tail-deletion one.

/** The previous hash of the first event: 64 hex zeros, which no SHA-256 output is expected to be. */
export const GENESIS_HASH = '0'.repeat(64);

// Versioned so that a future change of what is hashed cannot be confused with this one.
const HASH_DOMAIN = 'procurement-match/audit-event/v1';

const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface AuditEventContent {
  readonly id: string;
  /** Position in the chain: 1 for the first event, then +1; a bigint column arrives as a string. */
  readonly sequence: number | string | bigint;
  readonly actorId: string | null;
  readonly action: string;
  readonly objectType: string;
  readonly objectId: string | null;
  readonly before: unknown;
  readonly after: unknown;
  readonly occurredAt: Date | string;
}

export interface ChainedAuditEvent extends AuditEventContent {
  /** Hex SHA-256 stored with the row. */
  readonly hash: string;
  /** The previous event's hash; null (or GENESIS_HASH) for the first event. */
  readonly prevHash: string | null;
}

export type ChainBreak =
  // A sequence was skipped: a row before this one is missing.
  | 'sequence_gap'
  // A sequence repeats or goes backwards: this row or one before it was inserted.
  | 'sequence_out_of_order'
  // The row does not point at the hash of the row before it.
  | 'prev_hash_mismatch'
  // The row's content no longer hashes to its stored hash: it was edited.
  | 'hash_mismatch'
  // The row cannot be hashed at all (an unreadable sequence or date, for instance).
  | 'unhashable';

export interface ChainHead {
  readonly sequence: bigint;
  readonly hash: string;
}

export type ChainVerification =
  | { readonly valid: true; readonly events: number; readonly head: ChainHead | null }
  | {
      readonly valid: false;
      readonly events: number;
      readonly firstBrokenEventId: string;
      readonly reason: ChainBreak;
    };

export interface VerifyChainOptions {
  // Verifies a batch that continues from an event already verified, so a long log can be read in pages.
  readonly after?: ChainHead;
}

/**
 * JSON with object keys in code-unit order at every depth, so equal values always hash alike.
 * bigint becomes a decimal string and Date its ISO string, which is also how both come back out of a
 * jsonb column; undefined object members are dropped, as JSON.stringify drops them. Values JSON cannot
 * carry faithfully (NaN, Infinity, functions, symbols, Map, Set, cycles) are refused, not guessed at.
 */
export function canonicalJson(value: unknown): string {
  return render(value, new Set<object>());
}

/** Hex SHA-256 of an event chained to the previous event's hash (null for the first event). */
export function computeEventHash(previousHash: string | null, event: AuditEventContent): string {
  const prevHash = previousHash ?? GENESIS_HASH;
  if (!SHA256_HEX.test(prevHash)) {
    throw new RangeError(`Previous hash must be 64 lower-case hex digits, got "${prevHash}"`);
  }
  const envelope = {
    domain: HASH_DOMAIN,
    prevHash,
    id: event.id,
    sequence: normaliseSequence(event.sequence).toString(),
    // A nullable column reads an absent value back as null, so undefined must hash as null too,
    // or a row would fail verification merely for having been stored.
    actorId: event.actorId ?? null,
    action: event.action,
    objectType: event.objectType,
    objectId: event.objectId ?? null,
    before: event.before ?? null,
    after: event.after ?? null,
    occurredAt: normaliseInstant(event.occurredAt),
  };
  return createHash('sha256').update(canonicalJson(envelope), 'utf8').digest('hex');
}

/**
 * Checks events given in sequence order and reports the first one whose link is broken. For a deleted
 * row that is the row after the gap; for an inserted row, the inserted row or the one it displaced.
 */
export function verifyChain(
  events: readonly ChainedAuditEvent[],
  options: VerifyChainOptions = {},
): ChainVerification {
  const count = events.length;
  if (options.after !== undefined && !SHA256_HEX.test(options.after.hash)) {
    throw new RangeError('The head to continue from must carry a 64-digit hex hash');
  }
  let expectedSequence = options.after === undefined ? 1n : options.after.sequence + 1n;
  let expectedPrevHash = options.after?.hash ?? GENESIS_HASH;

  for (const event of events) {
    const broken = (reason: ChainBreak): ChainVerification => ({
      valid: false,
      events: count,
      firstBrokenEventId: event.id,
      reason,
    });

    let sequence: bigint;
    try {
      sequence = normaliseSequence(event.sequence);
    } catch {
      return broken('unhashable');
    }
    if (sequence > expectedSequence) {
      return broken('sequence_gap');
    }
    if (sequence < expectedSequence) {
      return broken('sequence_out_of_order');
    }
    if ((event.prevHash ?? GENESIS_HASH) !== expectedPrevHash) {
      return broken('prev_hash_mismatch');
    }
    let recomputed: string;
    try {
      recomputed = computeEventHash(expectedPrevHash, event);
    } catch {
      return broken('unhashable');
    }
    if (recomputed !== event.hash) {
      return broken('hash_mismatch');
    }
    expectedSequence = sequence + 1n;
    expectedPrevHash = recomputed;
  }

  const last = events[count - 1];
  const head =
    last === undefined ? (options.after ?? null) : { sequence: expectedSequence - 1n, hash: last.hash };
  return { valid: true, events: count, head };
}

function render(value: unknown, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError(`Cannot hash the non-finite number ${String(value)}`);
      }
      // JSON.stringify writes the shortest round-trip form, and -0 as 0, the same on every engine.
      return JSON.stringify(value);
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'object':
      return value === null ? 'null' : renderObject(value, ancestors);
    default:
      throw new TypeError(`Cannot hash a value of type ${typeof value}`);
  }
}

function renderObject(value: object, ancestors: Set<object>): string {
  if (value instanceof Date) {
    return JSON.stringify(isoInstant(value));
  }
  if (ancestors.has(value)) {
    throw new TypeError('Cannot hash a value that contains itself');
  }
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      // As in JSON, a hole or undefined inside an array is null: dropping it would shift later items.
      const items = Array.from(value, (item: unknown) => (item === undefined ? 'null' : render(item, ancestors)));
      return `[${items.join(',')}]`;
    }
    const toJson = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJson === 'function') {
      // Types that define their own JSON form (a decimal class, say) are hashed as that form.
      return render(toJson.call(value) as unknown, ancestors);
    }
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) {
      throw new TypeError(`Cannot hash ${Object.prototype.toString.call(value)}; convert it to plain data first`);
    }
    const members = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${render((value as Record<string, unknown>)[key], ancestors)}`);
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}

function normaliseSequence(sequence: number | string | bigint): bigint {
  if (typeof sequence === 'bigint') {
    if (sequence < 1n) {
      throw new RangeError(`Sequence must be a positive integer, got ${sequence.toString()}`);
    }
    return sequence;
  }
  if (typeof sequence === 'number') {
    if (!Number.isSafeInteger(sequence) || sequence < 1) {
      throw new RangeError(`Sequence must be a positive integer, got ${String(sequence)}`);
    }
    return BigInt(sequence);
  }
  // Plain digits only: BigInt() alone would also take " 7", "0x7" and "".
  if (typeof sequence !== 'string' || !/^\d+$/.test(sequence) || BigInt(sequence) < 1n) {
    throw new RangeError(`Sequence must be a positive integer, got "${String(sequence)}"`);
  }
  return BigInt(sequence);
}

// timestamptz reads back as a Date with millisecond precision, so both forms hash as its ISO string.
function normaliseInstant(occurredAt: Date | string): string {
  if (occurredAt instanceof Date) {
    return isoInstant(occurredAt);
  }
  if (typeof occurredAt !== 'string') {
    throw new TypeError(`occurredAt must be a Date or an ISO string, got ${typeof occurredAt}`);
  }
  return isoInstant(new Date(occurredAt));
}

function isoInstant(date: Date): string {
  if (Number.isNaN(date.getTime())) {
    throw new RangeError('Cannot hash an invalid date');
  }
  return date.toISOString();
}
