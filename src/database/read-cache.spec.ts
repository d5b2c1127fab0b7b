import { CachedBody, TaggedLru, tagsInvalidatedBy } from 'src/database/read-cache';

const answer = (text: string, ownerOrganisationId?: string): CachedBody => ({ body: Buffer.from(text), ownerOrganisationId });

describe('TaggedLru', () => {
  it('returns what was stored, owner included', () => {
    const lru = new TaggedLru(1024);
    lru.set('a', ['matches:1'], answer('{"a":1}', 'org-1'));
    expect(lru.get('a')).toEqual(answer('{"a":1}', 'org-1'));
    expect(lru.get('b')).toBeUndefined();
  });

  it('drops exactly the answers filed under an invalidated tag', () => {
    const lru = new TaggedLru(1024);
    lru.set('m1p1', ['matches:1'], answer('1'));
    lru.set('m1p2', ['matches:1'], answer('2'));
    lru.set('m2p1', ['matches:2'], answer('3'));
    lru.set('list', ['needs'], answer('4'));
    lru.invalidateTag('matches:1');
    expect([lru.get('m1p1'), lru.get('m1p2')]).toEqual([undefined, undefined]);
    expect(lru.get('m2p1')?.body.toString()).toBe('3');
    expect(lru.get('list')?.body.toString()).toBe('4');
    lru.invalidateTag('no-such-tag');
    expect(lru.size).toBe(2);
  });

  it('evicts the least recently used answers to stay within its bytes', () => {
    // Each entry: 10 body bytes + 2 key characters x 2 bytes = 14 bytes.
    const lru = new TaggedLru(3 * 14);
    lru.set('k1', ['t'], answer('0123456789'));
    lru.set('k2', ['t'], answer('0123456789'));
    lru.set('k3', ['t'], answer('0123456789'));
    expect(lru.get('k1')).toBeDefined(); // k1 is now the most recently used
    lru.set('k4', ['t'], answer('0123456789'));
    expect(lru.get('k2')).toBeUndefined();
    expect(['k1', 'k3', 'k4'].map((key) => lru.get(key) !== undefined)).toEqual([true, true, true]);
    expect(lru.usedBytes).toBe(3 * 14);
  });

  it('replaces an answer stored again under the same key, and never keeps one larger than itself', () => {
    const lru = new TaggedLru(100);
    lru.set('k', ['old'], answer('first'));
    lru.set('k', ['new'], answer('second'));
    lru.invalidateTag('old');
    expect(lru.get('k')?.body.toString()).toBe('second');
    expect(lru.usedBytes).toBe('second'.length + 2);
    lru.set('huge', ['t'], answer('x'.repeat(200)));
    expect(lru.get('huge')).toBeUndefined();
    lru.clear();
    expect([lru.size, lru.usedBytes]).toEqual([0, 0]);
  });
});

describe('tagsInvalidatedBy', () => {
  it.each([
    ['matches:5f0c', ['matches:5f0c']],
    ['need:5f0c', ['matches:5f0c', 'needs']],
    ['*', '*'],
    ['something-new', '*'],
  ])('%s makes %j stale', (payload, tags) => {
    expect(tagsInvalidatedBy(payload)).toEqual(tags);
  });
});
