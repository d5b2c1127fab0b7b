import {
  AuditEventContent,
  canonicalJson,
  ChainBreak,
  ChainedAuditEvent,
  ChainHead,
  ChainVerification,
  computeEventHash,
  GENESIS_HASH,
  verifyChain,
} from 'src/audit/domain/audit-chain';

const START = Date.parse('2025-03-01T09:00:00.000Z');

function content(sequence: number): AuditEventContent {
  return {
    id: `event-${sequence}`,
    sequence,
    actorId: sequence % 3 === 0 ? null : `user-${sequence % 2}`,
    action: sequence % 2 === 0 ? 'outcome_review.approved' : 'contract.awarded',
    objectType: 'contract',
    objectId: `contract-${Math.ceil(sequence / 2)}`,
    before: sequence === 1 ? null : { status: 'submitted', paymentDue: BigInt(sequence) * 1_000n },
    after: { status: 'approved', paymentDue: BigInt(sequence) * 1_000n, tags: ['a', 'b'] },
    occurredAt: new Date(START + sequence * 60_000),
  };
}

// Appends events the way the service does: each hashed onto the previous stored hash.
function chainOf(length: number): ChainedAuditEvent[] {
  const events: ChainedAuditEvent[] = [];
  for (let sequence = 1; sequence <= length; sequence += 1) {
    const prevHash = events.length === 0 ? null : events[events.length - 1].hash;
    const event = content(sequence);
    events.push({ ...event, prevHash, hash: computeEventHash(prevHash, event) });
  }
  return events;
}

function brokenAt(firstBrokenEventId: string, reason: ChainBreak): Partial<ChainVerification> {
  return { valid: false, firstBrokenEventId, reason };
}

// Shifts sequences, as someone hiding an insertion or deletion in SQL would have to.
function renumbered(events: readonly ChainedAuditEvent[], by: number): ChainedAuditEvent[] {
  return events.map((event) => ({ ...event, sequence: Number(event.sequence) + by }));
}

function rehash(event: ChainedAuditEvent): ChainedAuditEvent {
  return { ...event, hash: computeEventHash(event.prevHash, event) };
}

describe('canonicalJson', () => {
  it.each<[string, unknown, string]>([
    ['null', null, 'null'],
    ['booleans', [true, false], '[true,false]'],
    ['integers and decimals', [0, -7, 0.1, 1e21, 1e-7], '[0,-7,0.1,1e+21,1e-7]'],
    ['negative zero as zero', -0, '0'],
    ['strings with escapes', 'a"b\\c\n\u2028', '"a\\"b\\\\c\\n\u2028"'],
    ['a bigint as a decimal string', 12345678901234567890n, '"12345678901234567890"'],
    ['a Date as its ISO string', new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6)), '"2025-01-02T03:04:05.006Z"'],
    ['object keys in sorted order', { b: 1, a: 2 }, '{"a":2,"b":1}'],
    [
      'nested object keys in sorted order',
      { z: { y: 1, x: [{ d: 1, c: 2 }] }, a: null },
      '{"a":null,"z":{"x":[{"c":2,"d":1}],"y":1}}',
    ],
    ['arrays in their own order', [3, 1, 2], '[3,1,2]'],
    ['undefined object members dropped', { a: 1, b: undefined }, '{"a":1}'],
    ['undefined array items as null', [1, undefined, 2], '[1,null,2]'],
    ['an empty object and array', { a: {}, b: [] }, '{"a":{},"b":[]}'],
    ['a value with its own JSON form', { amount: { toJSON: () => '12.50' } }, '{"amount":"12.50"}'],
    ['an object without a prototype', Object.assign(Object.create(null) as object, { b: 2, a: 1 }), '{"a":1,"b":2}'],
  ])('renders %s', (_label, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('orders keys by code unit, numeric-looking keys included', () => {
    const value = { b: 1, B: 2, a: 3, é: 4, '10': 5, '9': 6 };
    expect(canonicalJson(value)).toBe('{"10":5,"9":6,"B":2,"a":3,"b":1,"é":4}');
  });

  it('gives the same text whatever order the keys were written in', () => {
    const one = { status: 'approved', measurements: [{ outcomeId: 'a', value: 1 }], paymentDue: 5n };
    const other = { paymentDue: 5n, measurements: [{ value: 1, outcomeId: 'a' }], status: 'approved' };
    expect(canonicalJson(one)).toBe(canonicalJson(other));
  });

  it('gives the same text for a snapshot and for its round trip through a jsonb column', () => {
    const snapshot = { paymentDue: 520_000n, approvedAt: new Date('2025-03-01T09:00:00Z'), note: undefined };
    // What a jsonb column hands back: bigints stored as strings, dates as ISO strings.
    const asJson = JSON.stringify(snapshot, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    const stored: unknown = JSON.parse(asJson);
    expect(canonicalJson(stored)).toBe(canonicalJson(snapshot));
  });

  it('accepts the same object twice when it does not contain itself', () => {
    const shared = { a: 1 };
    expect(canonicalJson({ x: shared, y: [shared] })).toBe('{"x":{"a":1},"y":[{"a":1}]}');
  });

  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;

  it.each<[string, unknown]>([
    ['NaN', NaN],
    ['Infinity', { a: Infinity }],
    ['a function', { f: () => 1 }],
    ['a symbol', [Symbol('s')]],
    ['a top-level undefined', undefined],
    ['a Map', new Map([['a', 1]])],
    ['a Set', { s: new Set([1]) }],
    ['a class instance', { e: new (class Money { amount = 1; })() }],
    ['an invalid Date', { at: new Date('not a date') }],
    ['a cycle', cyclic],
  ])('refuses %s rather than guess at it', (_label, value) => {
    expect(() => canonicalJson(value)).toThrow();
  });
});

describe('computeEventHash', () => {
  const event = content(2);
  const prevHash = 'ab'.repeat(32);

  it('returns a lower-case hex SHA-256', () => {
    expect(computeEventHash(prevHash, event)).toMatch(/^[0-9a-f]{64}$/);
  });

  // Pins what is hashed: changing the envelope would invalidate every stored chain.
  it('hashes a known event to a known digest', () => {
    const known: AuditEventContent = {
      id: '00000000-0000-4000-8000-000000000001',
      sequence: 1,
      actorId: 'user-1',
      action: 'contract.awarded',
      objectType: 'contract',
      objectId: 'contract-1',
      before: null,
      after: { value: 1_000_000n, status: 'active' },
      occurredAt: '2025-03-01T09:00:00.000Z',
    };
    // Checked independently with sha256sum over the canonical text written out by hand.
    expect(computeEventHash(null, known)).toBe('38cc9a1de69d5354161adf7ba81805d8de99237365df36f17d8baf44dfd0cafb');
  });

  it('treats a null previous hash as the genesis hash', () => {
    expect(computeEventHash(null, event)).toBe(computeEventHash(GENESIS_HASH, event));
  });

  it('is the same for the forms a row takes in memory and after a database round trip', () => {
    const stored: AuditEventContent = {
      ...event,
      sequence: '2',
      occurredAt: (event.occurredAt as Date).toISOString().replace('.000Z', 'Z'),
      before: JSON.parse(canonicalJson(event.before)) as unknown,
      after: JSON.parse(canonicalJson(event.after)) as unknown,
    };
    expect(computeEventHash(prevHash, stored)).toBe(computeEventHash(prevHash, event));
  });

  it('hashes a missing snapshot or id like a null one', () => {
    const withNulls = { ...event, before: null, actorId: null, objectId: null };
    const missing = undefined as unknown as null;
    const withUndefined = { ...event, before: undefined, actorId: missing, objectId: missing };
    expect(computeEventHash(prevHash, withUndefined)).toBe(computeEventHash(prevHash, withNulls));
  });

  it.each<[string, Partial<AuditEventContent>]>([
    ['id', { id: 'event-other' }],
    ['sequence', { sequence: 3 }],
    ['actor', { actorId: 'user-9' }],
    ['actor removed', { actorId: null }],
    ['action', { action: 'outcome_review.rejected' }],
    ['object type', { objectType: 'outcome_review' }],
    ['object id', { objectId: 'contract-9' }],
    ['before', { before: { status: 'draft', paymentDue: 2_000n } }],
    ['after, deep inside', { after: { status: 'approved', paymentDue: 2_000n, tags: ['a', 'c'] } }],
    ['after, a bigint changed by a penny', { after: { status: 'approved', paymentDue: 2_001n, tags: ['a', 'b'] } }],
    ['time, by one millisecond', { occurredAt: new Date((event.occurredAt as Date).getTime() + 1) }],
  ])('changes when the %s changes', (_label, change) => {
    expect(computeEventHash(prevHash, { ...event, ...change })).not.toBe(computeEventHash(prevHash, event));
  });

  it('changes when the previous hash changes', () => {
    expect(computeEventHash('cd'.repeat(32), event)).not.toBe(computeEventHash(prevHash, event));
  });

  it.each<[string, string | null, Partial<AuditEventContent>]>([
    ['a malformed previous hash', 'not-a-hash', {}],
    ['an upper-case previous hash', 'AB'.repeat(32), {}],
    ['a zero sequence', null, { sequence: 0 }],
    ['a fractional sequence', null, { sequence: 1.5 }],
    ['a non-numeric sequence', null, { sequence: '0x2' }],
    ['an unreadable time', null, { occurredAt: 'yesterday-ish' }],
  ])('refuses %s', (_label, previous, change) => {
    expect(() => computeEventHash(previous, { ...event, ...change })).toThrow();
  });
});

describe('verifyChain', () => {
  it('accepts an empty log', () => {
    expect(verifyChain([])).toEqual({ valid: true, events: 0, head: null });
  });

  it('accepts an intact chain and reports its head', () => {
    const events = chainOf(6);
    expect(verifyChain(events)).toEqual({
      valid: true,
      events: 6,
      head: { sequence: 6n, hash: events[5].hash },
    });
  });

  it('accepts the first event pointing at the genesis hash instead of null', () => {
    const [first, ...rest] = chainOf(3);
    expect(verifyChain([{ ...first, prevHash: GENESIS_HASH }, ...rest]).valid).toBe(true);
  });

  it('accepts sequences read from a bigint column as strings', () => {
    const events = chainOf(4).map((event) => ({ ...event, sequence: String(event.sequence) }));
    expect(verifyChain(events).valid).toBe(true);
  });

  describe('a changed row', () => {
    it.each<[string, (event: ChainedAuditEvent) => ChainedAuditEvent]>([
      ['its after snapshot', (e) => ({ ...e, after: { status: 'approved', paymentDue: 999_999n, tags: ['a', 'b'] } })],
      ['its before snapshot', (e) => ({ ...e, before: null })],
      ['its actor', (e) => ({ ...e, actorId: 'user-admin' })],
      ['its action', (e) => ({ ...e, action: 'outcome_review.rejected' })],
      ['its object', (e) => ({ ...e, objectId: 'contract-99' })],
      ['its time', (e) => ({ ...e, occurredAt: new Date(START) })],
      ['its id', (e) => ({ ...e, id: 'event-forged' })],
      ['its stored hash', (e) => ({ ...e, hash: 'f'.repeat(64) })],
    ])('is reported at that row when %s is edited', (_label, edit) => {
      const events = chainOf(6);
      events[3] = edit(events[3]);
      expect(verifyChain(events)).toEqual({
        valid: false,
        events: 6,
        firstBrokenEventId: events[3].id,
        reason: 'hash_mismatch',
      });
    });

    it('is reported at the next row when the edited row is re-hashed to hide the edit', () => {
      const events = chainOf(6);
      events[3] = rehash({ ...events[3], after: { status: 'approved', paymentDue: 1n } });
      expect(verifyChain(events)).toMatchObject(brokenAt('event-5', 'prev_hash_mismatch'));
    });

    it('is reported at the first row when the first row is edited', () => {
      const events = chainOf(3);
      events[0] = { ...events[0], action: 'contract.terminated' };
      expect(verifyChain(events)).toMatchObject(brokenAt('event-1', 'hash_mismatch'));
    });

    it('is reported at the last row when the last row is edited', () => {
      const events = chainOf(3);
      events[2] = { ...events[2], actorId: 'user-admin' };
      expect(verifyChain(events)).toMatchObject(brokenAt('event-3', 'hash_mismatch'));
    });
  });

  describe('a deleted row', () => {
    it('is reported at the row after the gap', () => {
      const events = chainOf(6).filter((event) => event.id !== 'event-3');
      expect(verifyChain(events)).toEqual({
        valid: false,
        events: 5,
        firstBrokenEventId: 'event-4',
        reason: 'sequence_gap',
      });
    });

    it('is reported when the first row is deleted', () => {
      const events = chainOf(4).slice(1);
      expect(verifyChain(events)).toMatchObject(brokenAt('event-2', 'sequence_gap'));
    });

    it('is reported even when later sequences are renumbered to close the gap', () => {
      const events = chainOf(6);
      const log = [...events.slice(0, 2), ...renumbered(events.slice(3), -1)];
      expect(verifyChain(log)).toMatchObject(brokenAt('event-4', 'prev_hash_mismatch'));
    });

    it('is reported when the first row is deleted and the next made to look first', () => {
      const [, second, ...rest] = chainOf(4);
      const forgedFirst = rehash({ ...second, sequence: 1, prevHash: null });
      expect(verifyChain([forgedFirst, ...rest])).toMatchObject({ valid: false, firstBrokenEventId: 'event-3' });
    });
  });

  describe('an inserted row', () => {
    const forged = (sequence: number, prevHash: string | null): ChainedAuditEvent => {
      const event: AuditEventContent = { ...content(sequence), id: 'event-forged', action: 'outcome_review.approved' };
      return { ...event, prevHash, hash: computeEventHash(prevHash, event) };
    };

    it('is reported at the inserted row when it repeats a sequence', () => {
      const events = chainOf(5);
      const inserted = { ...forged(3, events[1].hash), hash: 'e'.repeat(64) };
      // Ordered by sequence, the duplicate sorts after the original.
      const log = [...events.slice(0, 3), inserted, ...events.slice(3)];
      expect(verifyChain(log)).toMatchObject(brokenAt('event-forged', 'sequence_out_of_order'));
    });

    it('is reported at the inserted row when it carries a hash that does not match its content', () => {
      const events = chainOf(5);
      const inserted = { ...forged(3, events[1].hash), hash: 'e'.repeat(64) };
      const log = [...events.slice(0, 2), inserted, ...renumbered(events.slice(2), 1)];
      expect(verifyChain(log)).toMatchObject(brokenAt('event-forged', 'hash_mismatch'));
    });

    it('is reported at the displaced row when the inserted row is correctly hashed and later rows renumbered', () => {
      const events = chainOf(5);
      const inserted = forged(3, events[1].hash);
      const log = [...events.slice(0, 2), inserted, ...renumbered(events.slice(2), 1)];
      expect(verifyChain(log)).toMatchObject(brokenAt('event-3', 'prev_hash_mismatch'));
    });

    it('is reported when appended at the end without a valid hash', () => {
      const events = chainOf(3);
      const appended = { ...forged(4, events[2].hash), hash: '' };
      expect(verifyChain([...events, appended])).toMatchObject(brokenAt('event-forged', 'hash_mismatch'));
    });

    it('is reported when slipped in before the first row', () => {
      const events = chainOf(3);
      const inserted = forged(1, null);
      const log = [inserted, ...renumbered(events, 1)];
      expect(verifyChain(log)).toMatchObject(brokenAt('event-1', 'prev_hash_mismatch'));
    });
  });

  it('reports rows given out of sequence order', () => {
    const events = chainOf(4);
    expect(verifyChain([events[0], events[2], events[1], events[3]])).toMatchObject({
      valid: false,
      firstBrokenEventId: 'event-3',
      reason: 'sequence_gap',
    });
  });

  it('reports the first break when there are several', () => {
    const events = chainOf(6);
    events[4] = { ...events[4], action: 'edited' };
    events[1] = { ...events[1], action: 'edited' };
    expect(verifyChain(events)).toMatchObject({ firstBrokenEventId: 'event-2' });
  });

  it.each<[string, Partial<ChainedAuditEvent>]>([
    ['an unreadable sequence', { sequence: 'three' }],
    ['an unreadable time', { occurredAt: 'not a time' }],
    ['a snapshot that cannot be hashed', { after: { ratio: NaN } }],
  ])('reports a row with %s as broken instead of throwing', (_label, change) => {
    const events = chainOf(4);
    events[2] = { ...events[2], ...change };
    expect(verifyChain(events)).toMatchObject(brokenAt('event-3', 'unhashable'));
  });

  describe('in batches', () => {
    it('continues from the head of the previous batch', () => {
      const events = chainOf(8);
      const first = verifyChain(events.slice(0, 5));
      expect(first.valid).toBe(true);
      const head = (first as { head: ChainHead }).head;
      expect(verifyChain(events.slice(5), { after: head })).toEqual({
        valid: true,
        events: 3,
        head: { sequence: 8n, hash: events[7].hash },
      });
    });

    it('keeps the head when a batch is empty', () => {
      const head: ChainHead = { sequence: 8n, hash: 'ab'.repeat(32) };
      expect(verifyChain([], { after: head })).toEqual({ valid: true, events: 0, head });
    });

    it('reports a batch that does not follow on from the given head', () => {
      const events = chainOf(8);
      const wrongHead: ChainHead = { sequence: 5n, hash: events[3].hash };
      expect(verifyChain(events.slice(5), { after: wrongHead })).toMatchObject({
        valid: false,
        firstBrokenEventId: 'event-6',
        reason: 'prev_hash_mismatch',
      });
    });

    it('reports rows missing between batches', () => {
      const events = chainOf(8);
      const head: ChainHead = { sequence: 5n, hash: events[4].hash };
      expect(verifyChain(events.slice(6), { after: head })).toMatchObject(brokenAt('event-7', 'sequence_gap'));
    });

    it('refuses a malformed head to continue from', () => {
      expect(() => verifyChain([], { after: { sequence: 1n, hash: 'nope' } })).toThrow(RangeError);
    });
  });
});
