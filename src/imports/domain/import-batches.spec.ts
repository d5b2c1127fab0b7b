import { NeedContent, planNeedBatch, StoredNeed } from 'src/imports/domain/need-batch';
import { planSupplierBatch, ProfileContent, StoredSupplier } from 'src/imports/domain/supplier-batch';

const profile = (summary = 'We build services.'): ProfileContent => ({
  summary,
  capabilities: ['a'],
  caseStudies: [{ title: 't', description: 'd' }],
  cpvCodes: ['72000000-5'],
  certifications: [],
  regions: ['london'],
  maxContractValue: null,
});
const supplierRow = (row: number, externalId: string, overrides: Partial<{ name: string; profile: ProfileContent }> = {}) => ({
  row,
  externalId,
  name: overrides.name ?? 'Acme',
  companiesHouseNumber: null,
  isSme: false,
  profile: overrides.profile ?? profile(),
});
const ids = () => {
  let n = 0;
  return () => `id-${++n}`;
};

describe('planSupplierBatch', () => {
  const stored = new Map<string, StoredSupplier>([
    ['same', { id: 's1', kind: 'supplier', externalId: 'same', name: 'Acme', companiesHouseNumber: null, isSme: false, profile: { ...profile(), version: 3 } }],
    ['buyer', { id: 'b1', kind: 'buyer', externalId: 'buyer', name: 'Dept', companiesHouseNumber: null, isSme: false, profile: null }],
  ]);

  it('creates new suppliers, leaves identical ones alone and refuses a buyer external id', () => {
    const plan = planSupplierBatch([supplierRow(1, 'new'), supplierRow(2, 'same'), supplierRow(3, 'buyer')], stored, ids());
    expect(plan).toMatchObject({ created: 1, updated: 0, unchanged: 1, failed: 1 });
    expect(plan.inserts.map((o) => o.externalId)).toEqual(['new']);
    expect(plan.updates).toEqual([]);
    expect(plan.profiles).toEqual([{ organisationId: 'id-1', content: profile(), version: 1 }]);
    expect(plan.errors).toEqual([{ row: 3, field: 'externalId', message: 'buyer is the external id of a buyer organisation' }]);
  });

  it('bumps the profile version once per changed row, and not for a name change', () => {
    const plan = planSupplierBatch(
      [supplierRow(1, 'same', { name: 'Acme Ltd' }), supplierRow(2, 'same', { name: 'Acme Ltd', profile: profile('New') }), supplierRow(3, 'same', { name: 'Acme Ltd', profile: profile('New') })],
      stored,
      ids(),
    );
    expect(plan).toMatchObject({ created: 0, updated: 2, unchanged: 1 });
    expect(plan.updates).toEqual([{ id: 's1', externalId: 'same', name: 'Acme Ltd', companiesHouseNumber: null, isSme: false }]);
    expect(plan.profiles).toEqual([{ organisationId: 's1', content: profile('New'), version: 4 }]);
  });
});

describe('planNeedBatch', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const content = (title: string, deadline: string | null = '2026-07-01T00:00:00Z'): NeedContent => ({
    title,
    description: 'd',
    cpvCodes: [],
    commitmentIds: [],
    budgetMin: null,
    budgetMax: null,
    regions: [],
    requiredCertifications: [],
    essentialRequirements: [],
    submissionDeadline: deadline ? new Date(deadline) : null,
  });
  const row = (n: number, externalId: string, c: NeedContent) => ({ row: n, externalId, content: c, deadlineField: 'submissionDeadline' });
  const stored = (externalId: string, status: StoredNeed['status'], c: NeedContent): [string, StoredNeed] => [
    externalId,
    { id: `id-${externalId}`, externalId, status, version: 2, publishedAt: null, content: c },
  ];

  it('publishes drafts whose deadline is ahead and reports those it cannot publish', () => {
    const plan = planNeedBatch([row(1, 'a', content('A')), row(2, 'b', content('B', '2026-01-01T00:00:00Z'))], new Map(), { publish: true, now, newId: ids() });
    expect(plan).toMatchObject({ created: 2, published: 1, notPublished: 1 });
    expect(plan.work).toEqual([{ job: 'need.publish', needId: 'id-1', needVersion: 1 }]);
    expect(plan.warnings).toEqual([{ row: 2, field: 'submissionDeadline', message: 'not published: the submission deadline must be in the future' }]);
  });

  it('re-ranks an open need whose content changed, and refuses to edit a closed one', () => {
    const plan = planNeedBatch(
      [row(1, 'open', content('Renamed')), row(2, 'closed', content('Renamed')), row(3, 'same', content('Same'))],
      new Map([stored('open', 'open', content('Open')), stored('closed', 'closed', content('Closed')), stored('same', 'closed', content('Same'))]),
      { publish: false, now, newId: ids() },
    );
    expect(plan).toMatchObject({ created: 0, updated: 1, unchanged: 1, failed: 1 });
    expect(plan.errors).toEqual([{ row: 2, field: 'externalId', message: 'A closed need cannot be edited.' }]);
    expect(plan.work).toEqual([{ job: 'need.change', needId: 'id-open', needVersion: 3 }]);
  });

  it('refuses an edit that would leave an open need with a past deadline', () => {
    const plan = planNeedBatch([row(1, 'open', content('Late', '2026-01-01T00:00:00Z'))], new Map([stored('open', 'open', content('Open'))]), {
      publish: false,
      now,
      newId: ids(),
    });
    expect(plan.errors).toEqual([{ row: 1, field: 'submissionDeadline', message: 'the submission deadline must be in the future' }]);
    expect(plan.writes).toEqual([]);
  });
});
