/**
 * Gathers items submitted one by one (a worker's concurrent jobs) into batches run by one call, and
 * answers each submitter with its own item's result. Like a group commit: with nothing running, an
 * item goes at once (next tick, with whatever arrived in the same burst); while batches run, items
 * wait and go together, up to `maxSize`, once a batch slot frees up. A waiting batch that is not full
 * lingers `lingerMs` for the jobs a worker is still fetching, so that batches do not split into
 * crumbs under load.
 *
 * A batch that fails is run again item by item, so that one bad item fails alone rather than taking
 * its batch-mates down (and retrying, with them, forever).
 */
interface Submission<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class JobBatcher<T, R> {
  private pending: Submission<T, R>[] = [];
  private running = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly runBatch: (items: T[]) => Promise<R[]>,
    private readonly options: { maxSize: number; maxRunning: number; lingerMs: number },
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.pending.length === 0 || this.running >= this.options.maxRunning) return;
    if (this.pending.length >= this.options.maxSize) return this.flush();
    if (this.timer) return;
    const wait = this.running === 0 ? 0 : this.options.lingerMs;
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending.splice(0, this.options.maxSize);
    this.running++;
    void this.settle(batch).finally(() => {
      this.running--;
      this.schedule();
    });
    // A burst larger than one batch may fill another slot at once.
    this.schedule();
  }

  private async settle(batch: Submission<T, R>[]): Promise<void> {
    try {
      const results = await this.runBatch(batch.map((entry) => entry.item));
      batch.forEach((entry, i) => entry.resolve(results[i]));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      for (const entry of batch) {
        await this.runBatch([entry.item]).then(([result]) => entry.resolve(result), entry.reject);
      }
    }
  }
}

/** Lets at most `limit` calls run at once; the others wait their turn in arrival order. */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<R>(task: () => Promise<R>): Promise<R> {
    // A finishing task hands its slot straight to the next waiter, so none can slip in between.
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
