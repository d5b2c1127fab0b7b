import { assertEveryJobHasHandler } from 'src/queue/job-handlers';
import { jobNamesOf, MATCHING_QUEUE } from 'src/queue/queue.definitions';

describe('assertEveryJobHasHandler', () => {
  const all = Object.fromEntries(jobNamesOf(MATCHING_QUEUE).map((name) => [name, async () => undefined]));

  it('accepts a queue whose every job has a handler', () => {
    expect(() => assertEveryJobHasHandler(MATCHING_QUEUE, all)).not.toThrow();
  });

  it('refuses to start when a job name has no handler, naming it', () => {
    const { ['profile.change']: _missing, ...rest } = all;
    expect(() => assertEveryJobHasHandler(MATCHING_QUEUE, rest)).toThrow(/no handler for job\(s\): profile\.change/);
  });
});
