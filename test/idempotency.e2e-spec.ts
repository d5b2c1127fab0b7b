import { RequestMethod } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { IdempotencyInterceptor } from 'src/idempotency/idempotency.interceptor';
import { createWorld, needBody, World } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';

describe('Idempotency-Key', () => {
  let t: TestApp;
  let w: World;
  const needs = async () => (await t.dataSource.query(`SELECT count(*)::int AS n FROM procurement_needs`))[0].n as number;

  beforeAll(async () => {
    t = await createTestApp();
    w = await createWorld(t);
  });

  afterAll(async () => {
    await t.close();
  });

  it('replays the first answer to a retry with the same key and body, creating one need', async () => {
    const before = await needs();
    const body = needBody({ title: 'Idempotent need' });
    const first = await t.http().post('/api/v1/needs').auth(w.buyerA.token, { type: 'bearer' }).set('idempotency-key', 'need-1').send(body).expect(201);
    const retry = await t.http().post('/api/v1/needs').auth(w.buyerA.token, { type: 'bearer' }).set('idempotency-key', 'need-1').send(body).expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await needs()).toBe(before + 1);
  });

  it('answers 422 to the same key with another body, and changes nothing', async () => {
    await t.http().post('/api/v1/needs').auth(w.buyerA.token, { type: 'bearer' }).set('idempotency-key', 'need-2').send(needBody()).expect(201);
    const before = await needs();
    const res = await t.http()
      .post('/api/v1/needs')
      .auth(w.buyerA.token, { type: 'bearer' })
      .set('idempotency-key', 'need-2')
      .send(needBody({ title: 'Something else' }))
      .expect(422);
    expect(res.body).toMatchObject({ code: 'IDEMPOTENCY.KEY_REUSED', errors: [{ field: 'Idempotency-Key', message: expect.any(String) }] });
    expect(await needs()).toBe(before);
  });

  it('keeps keys apart between users', async () => {
    const a = await t.http().post('/api/v1/needs').auth(w.buyerA.token, { type: 'bearer' }).set('idempotency-key', 'shared').send(needBody()).expect(201);
    const b = await t.http().post('/api/v1/needs').auth(w.buyerB.token, { type: 'bearer' }).set('idempotency-key', 'shared').send(needBody()).expect(201);
    expect(b.body.id).not.toBe(a.body.id);
  });

  it('lets a failed request be retried with the same key', async () => {
    await t.http().post('/api/v1/needs').auth(w.buyerA.token, { type: 'bearer' }).set('idempotency-key', 'need-3').send(needBody({ title: '' })).expect(400);
    await t.http().post('/api/v1/needs').auth(w.buyerA.token, { type: 'bearer' }).set('idempotency-key', 'need-3').send(needBody({ title: '' })).expect(400);
    await t.http().post('/api/v1/needs').auth(w.buyerA.token, { type: 'bearer' }).set('idempotency-key', 'need-3').send(needBody()).expect(201);
  });

  it('replays action routes with their own status', async () => {
    const need = (await t.http().post('/api/v1/needs').auth(w.buyerA.token, { type: 'bearer' }).send(needBody())).body;
    const first = await t.http().post(`/api/v1/needs/${need.id}/publish`).auth(w.buyerA.token, { type: 'bearer' }).set('idempotency-key', 'publish-1').expect(200);
    const retry = await t.http().post(`/api/v1/needs/${need.id}/publish`).auth(w.buyerA.token, { type: 'bearer' }).set('idempotency-key', 'publish-1').expect(200);
    expect(retry.body).toEqual(first.body);
  });

  it('is on every POST route of the API', () => {
    const posts: string[] = [];
    const missing: string[] = [];
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const controller of module.controllers.values()) {
        const prototype = (controller.metatype as { prototype: Record<string, unknown> }).prototype;
        for (const name of Object.getOwnPropertyNames(prototype)) {
          const handler = prototype[name];
          if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.POST) continue;
          posts.push(`${controller.name}.${name}`);
          if (!(Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []).includes(IdempotencyInterceptor)) missing.push(`${controller.name}.${name}`);
        }
      }
    }
    expect(posts.length).toBeGreaterThanOrEqual(17);
    expect(missing).toEqual([]);
  });

  it('refuses a malformed key naming the header', async () => {
    const res = await t.http().post('/api/v1/needs').auth(w.buyerA.token, { type: 'bearer' }).set('idempotency-key', 'has spaces in it').send(needBody()).expect(400);
    expect(res.body.errors[0].field).toBe('Idempotency-Key');
  });
});
