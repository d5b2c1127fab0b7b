import { jobIdOf, jobNamesOf, MATCHING_QUEUE, QUEUE_NAMES, QUEUE_OF_JOB } from 'src/queue/queue.definitions';

describe('queue definitions', () => {
  it('gives the same job id to the same change, and a new one to a new version', () => {
    const first = jobIdOf('need.publish', { needId: 'n1', needVersion: 2 });
    expect(jobIdOf('need.publish', { needId: 'n1', needVersion: 2 })).toBe(first);
    expect(jobIdOf('need.publish', { needId: 'n1', needVersion: 3 })).not.toBe(first);
    expect(jobIdOf('profile.change', { supplierId: 's1', profileVersion: 1 })).toBe('profile-s1-v1');
  });

  it('never puts a colon in a job id (BullMQ reserves it)', () => {
    const id = jobIdOf('needs.rescore-open', { requestedAt: '2026-11-24T08:00:00.000Z' });
    expect(id).not.toContain(':');
  });

  it('assigns every job to a declared queue', () => {
    for (const queue of Object.values(QUEUE_OF_JOB)) expect(QUEUE_NAMES).toContain(queue);
    expect(jobNamesOf(MATCHING_QUEUE)).toEqual(expect.arrayContaining(['need.publish', 'profile.change']));
  });
});
