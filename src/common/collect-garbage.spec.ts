import { collectGarbage } from 'src/common/collect-garbage';

describe('collectGarbage', () => {
  function dropped(): WeakRef<object> {
    // Made in a function of its own, so that no reference is left on the caller's stack.
    return new WeakRef({ payload: new Array(1_000).fill('garbage') });
  }

  // A WeakRef keeps its target alive until the job that made it ends: each check waits a turn.
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('frees what nothing refers to any more, on every call', async () => {
    for (let round = 0; round < 2; round++) {
      const ref = dropped();
      await nextTurn();
      collectGarbage();
      expect(ref.deref()).toBeUndefined();
    }
  });

  it('keeps what is still referred to', async () => {
    const kept = { payload: 'kept' };
    const ref = new WeakRef(kept);
    await nextTurn();
    collectGarbage();
    expect(ref.deref()).toBe(kept);
  });
});
