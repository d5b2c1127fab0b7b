import { createHmac } from 'node:crypto';
import { matchCreatedEventBody } from 'src/webhooks/domain/match-created-event';
import { signWebhookBody, verifyWebhookSignature } from 'src/webhooks/domain/webhook-signature';

describe('webhook signatures', () => {
  const secret = 'ab'.repeat(32);

  it('signs "<timestamp>.<raw body>" with HMAC-SHA256 keyed by the secret text', () => {
    const expected = createHmac('sha256', secret).update('1767225600.{"a":1}').digest('hex');
    expect(signWebhookBody(secret, 1767225600, '{"a":1}')).toBe(`sha256=${expected}`);
  });

  it('verifies its own signature and nothing else', () => {
    const signature = signWebhookBody(secret, 1767225600, '{"a":1}');
    expect(verifyWebhookSignature(secret, 1767225600, '{"a":1}', signature)).toBe(true);
    expect(verifyWebhookSignature(secret, 1767225601, '{"a":1}', signature)).toBe(false);
    expect(verifyWebhookSignature(secret, 1767225600, '{"a":2}', signature)).toBe(false);
    expect(verifyWebhookSignature('cd'.repeat(32), 1767225600, '{"a":1}', signature)).toBe(false);
    expect(verifyWebhookSignature(secret, 1767225600, '{"a":1}', 'sha256=00')).toBe(false);
  });
});

describe('matchCreatedEventBody', () => {
  const snapshot = {
    need: { id: 'n1', title: 'Booking service', submissionDeadline: '2026-12-31T17:00:00+00:00', budgetMin: 100, budgetMax: 200 },
    match: {
      score: 72.5,
      rank: 1,
      explanation: {
        failedRequirements: [],
        cpvMatches: [{ level: 'exact' as const, need: '72000000-5', supplier: '72000000-5' }],
        matchedTerms: [{ weight: 0.5, term: 'booking' }],
      },
    },
  };

  it('writes the event with its keys in a fixed order and dates in UTC', () => {
    const body = matchCreatedEventBody({ id: 'e1', createdAt: new Date('2026-11-24T08:00:00Z'), snapshot });
    expect(body).toBe(
      '{"id":"e1","type":"match.created","createdAt":"2026-11-24T08:00:00.000Z",' +
        '"need":{"id":"n1","title":"Booking service","submissionDeadline":"2026-12-31T17:00:00.000Z","budgetMin":100,"budgetMax":200},' +
        '"match":{"score":72.5,"rank":1,"explanation":{"matchedTerms":[{"term":"booking","weight":0.5}],' +
        '"cpvMatches":[{"need":"72000000-5","supplier":"72000000-5","level":"exact"}],"failedRequirements":[]}}}',
    );
  });
});
