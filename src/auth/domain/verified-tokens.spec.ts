import { VerifiedTokens } from 'src/auth/domain/verified-tokens';

describe('VerifiedTokens', () => {
  it('remembers a token until it expires, then forgets it', () => {
    const tokens = new VerifiedTokens<string>(10);
    tokens.set('t1', 'alice', 2_000);
    expect(tokens.get('t1', 1_999)).toBe('alice');
    expect(tokens.get('t1', 2_000)).toBeUndefined();
    expect(tokens.get('t1', 1_000)).toBeUndefined();
    expect(tokens.get('unknown', 0)).toBeUndefined();
  });

  it('starts again empty when full, rather than growing without bound', () => {
    const tokens = new VerifiedTokens<number>(2);
    tokens.set('a', 1, 10);
    tokens.set('b', 2, 10);
    tokens.set('c', 3, 10);
    expect([tokens.get('a', 0), tokens.get('b', 0), tokens.get('c', 0)]).toEqual([undefined, undefined, 3]);
  });
});
