import type { Role } from 'src/auth/roles';
import { TestApp } from './test-app';
import { TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD, uniqueSuffix } from './test-environment';

export interface Actor {
  name: string;
  role: Role;
  email: string;
  userId: string;
  organisationId: string | null;
  token: string;
}

export const PASSWORD = 'a-long-test-password';

export async function signIn(t: TestApp, email: string, password = PASSWORD): Promise<string> {
  const res = await t.http().post('/api/v1/auth/login').send({ email, password });
  if (res.status !== 200) throw new Error(`login of ${email} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}

async function me(t: TestApp, token: string): Promise<{ id: string; organisationId: string | null }> {
  const res = await t.http().get('/api/v1/auth/me').auth(token, { type: 'bearer' });
  return res.body;
}

export async function signInAdmin(t: TestApp): Promise<Actor> {
  const token = await signIn(t, TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD);
  const who = await me(t, token);
  return { name: 'admin', role: 'admin', email: TEST_ADMIN_EMAIL, userId: who.id, organisationId: null, token };
}

export async function createBuyerOrganisation(t: TestApp, admin: Actor, name: string): Promise<string> {
  const res = await t.http().post('/api/v1/organisations').auth(admin.token, { type: 'bearer' }).send({ kind: 'buyer', name });
  if (res.status !== 201) throw new Error(`organisation: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

export async function createUser(t: TestApp, admin: Actor, name: string, role: Role, organisationId: string): Promise<Actor> {
  const email = `${name}-${uniqueSuffix()}@e2e.test`.toLowerCase();
  const res = await t.http().post('/api/v1/users').auth(admin.token, { type: 'bearer' }).send({ email, password: PASSWORD, role, organisationId });
  if (res.status !== 201) throw new Error(`user: ${res.status} ${JSON.stringify(res.body)}`);
  return { name, role, email, userId: res.body.id, organisationId, token: await signIn(t, email) };
}

export async function registerSupplier(t: TestApp, name: string, extra: Record<string, unknown> = {}): Promise<Actor> {
  const email = `${name}-${uniqueSuffix()}@e2e.test`.toLowerCase();
  const res = await t.http().post('/api/v1/auth/register-supplier').send({ email, password: PASSWORD, organisationName: `${name} Ltd`, ...extra });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  const token = res.body.accessToken;
  const who = await me(t, token);
  return { name, role: 'supplier', email, userId: who.id, organisationId: who.organisationId, token };
}

/** Two buyer organisations (A with a buyer and two reviewers, B with a buyer), two suppliers, and the admin. */
export async function createWorld(t: TestApp) {
  const admin = await signInAdmin(t);
  const buyerOrgA = await createBuyerOrganisation(t, admin, 'Department A');
  const buyerOrgB = await createBuyerOrganisation(t, admin, 'Department B');
  const [buyerA, buyerB, reviewerA, reviewerA2, supplierA, supplierB] = await Promise.all([
    createUser(t, admin, 'buyer-a', 'buyer', buyerOrgA),
    createUser(t, admin, 'buyer-b', 'buyer', buyerOrgB),
    createUser(t, admin, 'reviewer-a', 'reviewer', buyerOrgA),
    createUser(t, admin, 'reviewer-a2', 'reviewer', buyerOrgA),
    registerSupplier(t, 'supplier-a'),
    registerSupplier(t, 'supplier-b'),
  ]);
  return { admin, buyerA, buyerB, reviewerA, reviewerA2, supplierA, supplierB };
}

export type World = Awaited<ReturnType<typeof createWorld>>;

/** A need body that passes validation, with a deadline a month ahead. */
export function needBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Accessible online booking service for school admissions',
    description: 'Design, build and run an accessible online booking service for school admissions, meeting WCAG 2.2 AA.',
    cpvCodes: ['72000000-5'],
    commitmentIds: [],
    budgetMin: 10_000_000,
    budgetMax: 50_000_000,
    regions: ['london'],
    requiredCertifications: ['cyber-essentials'],
    essentialRequirements: ['GOV.UK Design System experience'],
    submissionDeadline: new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString(),
    ...overrides,
  };
}

export function profileBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    summary: 'We design and run accessible digital public services.',
    capabilities: ['accessibility audits', 'GOV.UK Design System'],
    caseStudies: [{ title: 'Council booking service', description: 'Rebuilt a council booking service used by 2 million residents.' }],
    cpvCodes: ['72000000-5'],
    certifications: ['cyber-essentials'],
    regions: ['london'],
    maxContractValue: 100_000_000,
    ...overrides,
  };
}
