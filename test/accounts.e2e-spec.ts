import { createWorld, PASSWORD, registerSupplier, signIn, World } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';
import { TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD } from './support/test-environment';

describe('Accounts and sign-in', () => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    t = await createTestApp({ env: { LOGIN_FAILURE_LIMIT: '3' } });
    w = await createWorld(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const count = async (table: string) => (await t.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;

  it('creates the first admin from ADMIN_EMAIL and ADMIN_PASSWORD', async () => {
    const res = await t.http().post('/api/v1/auth/login').send({ email: TEST_ADMIN_EMAIL.toUpperCase(), password: TEST_ADMIN_PASSWORD }).expect(200);
    expect(res.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 });
  });

  it('tells a user who they are', async () => {
    const res = await t.http().get('/api/v1/auth/me').auth(w.buyerA.token, { type: 'bearer' }).expect(200);
    expect(res.body).toEqual({ id: w.buyerA.userId, email: w.buyerA.email, role: 'buyer', organisationId: w.buyerA.organisationId });
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const wrong = await t.http().post('/api/v1/auth/login').send({ email: w.buyerB.email, password: 'not-the-password' }).expect(401);
    const unknown = await t.http().post('/api/v1/auth/login').send({ email: 'nobody@e2e.test', password: 'not-the-password' }).expect(401);
    expect(wrong.body.code).toBe('AUTH.INVALID_CREDENTIALS');
    expect(unknown.body.code).toBe(wrong.body.code);
    expect(unknown.body.detail).toBe(wrong.body.detail);
  });

  it('refuses sign-in with 429 after too many failures on one account, even with the right password', async () => {
    const victim = await registerSupplier(t, 'victim');
    for (let i = 0; i < 3; i++) {
      await t.http().post('/api/v1/auth/login').send({ email: victim.email, password: 'guess-number-' + i }).expect(401);
    }
    const blocked = await t.http().post('/api/v1/auth/login').send({ email: victim.email, password: PASSWORD }).expect(429);
    expect(blocked.body.code).toBe('AUTH.TOO_MANY_FAILED_LOGINS');
    // Other accounts are not affected.
    await signIn(t, w.supplierB.email);
  });

  it('never returns a password hash', async () => {
    const res = await t.http()
      .post('/api/v1/users')
      .auth(w.admin.token, { type: 'bearer' })
      .send({ email: 'new-buyer@e2e.test', password: PASSWORD, role: 'buyer', organisationId: w.buyerA.organisationId })
      .expect(201);
    expect(Object.keys(res.body).sort()).toEqual(['email', 'id', 'organisationId', 'role']);
    expect(JSON.stringify(res.body)).not.toMatch(/scrypt|hash/i);
    const [row] = await t.dataSource.query(`SELECT password_hash FROM users WHERE id = $1`, [res.body.id]);
    expect(row.password_hash).toMatch(/^scrypt\$/);
  });

  it('registers a supplier with its organisation in one step', async () => {
    const res = await t.http()
      .post('/api/v1/auth/register-supplier')
      .send({ email: 'Bids@Small.example', password: PASSWORD, organisationName: 'Small Co', companiesHouseNumber: 'SC123456', isSme: true })
      .expect(201);
    expect(res.body.tokenType).toBe('Bearer');
    const me = await t.http().get('/api/v1/auth/me').auth(res.body.accessToken, { type: 'bearer' }).expect(200);
    expect(me.body).toMatchObject({ email: 'bids@small.example', role: 'supplier' });
    const supplier = await t.http().get(`/api/v1/suppliers/${me.body.organisationId}`).expect(200);
    expect(supplier.body).toMatchObject({ name: 'Small Co', isSme: true, companiesHouseNumber: 'SC123456', profile: null });
  });

  it('refuses a second account with the same email in another case', async () => {
    const res = await t.http()
      .post('/api/v1/auth/register-supplier')
      .send({ email: w.supplierA.email.toUpperCase(), password: PASSWORD, organisationName: 'Copycat' })
      .expect(409);
    expect(res.body.errors).toEqual([{ field: 'email', message: expect.any(String) }]);
  });

  it.each([
    ['role', { role: 'admin' }],
    ['organisationId', { organisationId: '00000000-0000-4000-8000-000000000000' }],
    ['id', { id: '00000000-0000-4000-8000-000000000000' }],
    ['kind', { kind: 'buyer' }],
  ])('refuses self-registration that tries to set %s, and creates nothing', async (field, extra) => {
    const [users, organisations] = [await count('users'), await count('organisations')];
    const res = await t.http()
      .post('/api/v1/auth/register-supplier')
      .send({ email: `sneaky-${field}@e2e.test`, password: PASSWORD, organisationName: 'Sneaky', ...extra })
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect([await count('users'), await count('organisations')]).toEqual([users, organisations]);
  });

  it.each([
    [{ email: 'not-an-email', password: PASSWORD, organisationName: 'X' }, 'email'],
    [{ email: 'short@e2e.test', password: 'short', organisationName: 'X' }, 'password'],
    [{ email: 'long@e2e.test', password: PASSWORD, organisationName: 'x'.repeat(301) }, 'organisationName'],
    [{ email: 'ch@e2e.test', password: PASSWORD, organisationName: 'X', companiesHouseNumber: '123' }, 'companiesHouseNumber'],
    [{ email: 'sme@e2e.test', password: PASSWORD, organisationName: 'X', isSme: 'yes' }, 'isSme'],
  ])('refuses a bad registration %j naming %s', async (body, field) => {
    const res = await t.http().post('/api/v1/auth/register-supplier').send(body).expect(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('accepts organisation names that repeat', async () => {
    for (let i = 0; i < 2; i++) {
      await t.http().post('/api/v1/organisations').auth(w.admin.token, { type: 'bearer' }).send({ kind: 'buyer', name: 'Same Name Council' }).expect(201);
    }
  });

  it('refuses a user whose role does not fit the organisation', async () => {
    const res = await t.http()
      .post('/api/v1/users')
      .auth(w.admin.token, { type: 'bearer' })
      .send({ email: 'mismatch@e2e.test', password: PASSWORD, role: 'supplier', organisationId: w.buyerA.organisationId })
      .expect(400);
    expect(res.body.errors[0].field).toBe('role');
  });

  it('answers 401 to a forged or malformed token', async () => {
    const forged = w.buyerA.token.slice(0, -4) + 'AAAA';
    for (const header of [`Bearer ${forged}`, 'Bearer nonsense', 'Basic abc', `bearer${w.buyerA.token}`]) {
      const res = await t.http().get('/api/v1/auth/me').set('authorization', header).expect(401);
      expect(res.body.code).toMatch(/^AUTH\./);
    }
  });

  it('records an audit event for every account write', async () => {
    const rows = await t.dataSource.query(`SELECT action, count(*)::int AS n FROM audit_events GROUP BY action`);
    const actions = Object.fromEntries(rows.map((r: { action: string; n: number }) => [r.action, r.n]));
    expect(actions['user.create']).toBeGreaterThanOrEqual(6);
    expect(actions['organisation.create']).toBeGreaterThanOrEqual(4);
    const verify = await t.http().get('/api/v1/audit/verify').auth(w.admin.token, { type: 'bearer' }).expect(200);
    expect(verify.body).toMatchObject({ valid: true });
  });

  it('refuses a body over the limit with 413 and a malformed one with 400', async () => {
    const big = await t.http().post('/api/v1/auth/login').set('content-type', 'application/json').send(`{"email":"${'a'.repeat(1_100_000)}","password":"x"}`);
    expect(big.status).toBe(413);
    expect(big.headers['content-type']).toMatch(/problem\+json/);
    expect(big.body.errors[0].field).toBe('body');
    const malformed = await t.http().post('/api/v1/auth/login').set('content-type', 'application/json').send('{"email":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('body');
    const proto = await t.http().post('/api/v1/auth/login').set('content-type', 'application/json').send('{"__proto__":{"x":1},"email":"a@b.c","password":"x"}');
    expect(proto.status).toBe(400);
  });
});
