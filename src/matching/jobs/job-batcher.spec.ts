import { ConcurrencyLimit, JobBatcher } from 'src/matching/jobs/job-batcher';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('JobBatcher', () => {
  it('runs items submitted together as one batch and answers each with its own result', async () => {
    const batches: number[][] = [];
    const batcher = new JobBatcher(async (items: number[]) => {
      batches.push(items);
      return items.map((n) => n * 10);
    }, { maxSize: 10, maxRunning: 1, lingerMs: 5 });
    await expect(Promise.all([1, 2, 3].map((n) => batcher.submit(n)))).resolves.toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('gathers items that arrive while a batch runs into the next one, up to maxSize', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const batcher = new JobBatcher(async (items: number[]) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return items;
    }, { maxSize: 3, maxRunning: 1, lingerMs: 5 });
    const first = batcher.submit(0);
    await tick();
    const later = [1, 2, 3, 4].map((n) => batcher.submit(n));
    await tick();
    release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[0], [1, 2, 3], [4]]);
  });

  it('runs a failed batch again item by item, so that only the bad item fails', async () => {
    const batcher = new JobBatcher(async (items: number[]) => {
      if (items.includes(2)) throw new Error('bad item');
      return items;
    }, { maxSize: 10, maxRunning: 1, lingerMs: 5 });
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});

describe('ConcurrencyLimit', () => {
  it('never runs more than its limit at once', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let most = 0;
    const task = async () => {
      running++;
      most = Math.max(most, running);
      await tick();
      running--;
    };
    await Promise.all(Array.from({ length: 6 }, () => limit.run(task)));
    expect(most).toBe(2);
  });
});
