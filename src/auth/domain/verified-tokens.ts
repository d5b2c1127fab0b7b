/**
 * Tokens already verified, with what they said, until they expire. A token never changes and the
 * signing secret is fixed for the life of the process, so verifying it again (decode, HMAC, parse)
 * on every request of a busy client would give the same answer; expiry is still checked every time.
 * Bounded: when full it starts again empty, which costs one verification per active token.
 */
export class VerifiedTokens<T> {
  private readonly entries = new Map<string, { value: T; expiresAtMs: number }>();

  constructor(private readonly maxEntries: number) {}

  get(token: string, nowMs: number): T | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= nowMs) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.value;
  }

  set(token: string, value: T, expiresAtMs: number): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(token, { value, expiresAtMs });
  }
}
