import { randomUUID } from 'node:crypto';
import { startTestPlatform, type TestPlatform, testBackends } from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../src/identity.module.ts';
import { ADMIN_ENV, createKey, createPartner, signup } from './helpers.ts';

/** A fan's consents to partners (what a partner's pages may read through the SDK): /v1/auth/consents. */
describe.each(testBackends())('consents to partners on $name', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(backend, [identityModule], {
      ...ADMIN_ENV,
      PCF_RATE_LIMIT_USER: '100000',
      PCF_RATE_LIMIT_IP: '100000',
    });
  });
  afterAll(() => t.close());

  const consentUrl = (partnerId: string) => `/v1/auth/consents/${partnerId}`;

  it('grants once per partner (201 then 200, first grant kept), reads, lists with the partner, and revokes', async () => {
    const fan = await signup(t, 'Consenting');
    const { partner } = await createPartner(t);

    const missing = await t.request({ method: 'GET', url: consentUrl(partner.id), token: fan.accessToken });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(missing.json().code).toBe('consent_not_found');

    const granted = await t.request({
      method: 'PUT',
      url: consentUrl(partner.id),
      token: fan.accessToken,
      body: { origin: 'https://club.example' },
    });
    expect(granted.statusCode).toBe(201);
    expect(granted.json()).toEqual({
      partnerId: partner.id,
      partnerName: `Club ${partner.slug}`,
      partnerSlug: partner.slug,
      origin: 'https://club.example',
      grantedAt: expect.any(String),
    });
    const again = await t.request({
      method: 'PUT',
      url: consentUrl(partner.id),
      token: fan.accessToken,
      body: {},
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(granted.json());

    const read = await t.request({ method: 'GET', url: consentUrl(partner.id), token: fan.accessToken });
    expect(read.json()).toEqual(granted.json());
    const list = await t.request({ method: 'GET', url: '/v1/auth/consents', token: fan.accessToken });
    expect(list.json()).toEqual({ data: [granted.json()], nextCursor: null });

    const revoked = await t.request({
      method: 'DELETE',
      url: consentUrl(partner.id),
      token: fan.accessToken,
    });
    expect(revoked.statusCode).toBe(204);
    const gone = await t.request({ method: 'GET', url: consentUrl(partner.id), token: fan.accessToken });
    expect(gone.statusCode).toBe(404);
    const twice = await t.request({ method: 'DELETE', url: consentUrl(partner.id), token: fan.accessToken });
    expect(twice.statusCode).toBe(404);
    expect(twice.json().code).toBe('consent_not_found');
    const empty = await t.request({ method: 'GET', url: '/v1/auth/consents', token: fan.accessToken });
    expect(empty.json()).toEqual({ data: [], nextCursor: null });
  });

  it("keeps each fan's consents to themselves", async () => {
    const [alice, bob] = [await signup(t, 'Alice'), await signup(t, 'Bob')];
    const { partner } = await createPartner(t);
    await t.request({ method: 'PUT', url: consentUrl(partner.id), token: alice.accessToken, body: {} });
    const bobsView = await t.request({ method: 'GET', url: consentUrl(partner.id), token: bob.accessToken });
    expect(bobsView.statusCode).toBe(404);
    const bobsList = await t.request({ method: 'GET', url: '/v1/auth/consents', token: bob.accessToken });
    expect(bobsList.json().data).toEqual([]);
    const bobsRevoke = await t.request({
      method: 'DELETE',
      url: consentUrl(partner.id),
      token: bob.accessToken,
    });
    expect(bobsRevoke.statusCode).toBe(404);
    const stillThere = await t.request({
      method: 'GET',
      url: consentUrl(partner.id),
      token: alice.accessToken,
    });
    expect(stillThere.statusCode).toBe(200);
  });

  it('pages the list newest first with a cursor', async () => {
    const fan = await signup(t, 'Pager');
    const partners = [];
    for (let i = 0; i < 3; i++) {
      const { partner } = await createPartner(t);
      partners.push(partner);
      const granted = await t.request({
        method: 'PUT',
        url: consentUrl(partner.id),
        token: fan.accessToken,
        body: {},
      });
      expect(granted.statusCode, granted.body).toBe(201);
    }
    const first = await t.request({
      method: 'GET',
      url: '/v1/auth/consents?limit=2',
      token: fan.accessToken,
    });
    expect(first.json().data.map((c: { partnerId: string }) => c.partnerId)).toEqual([
      partners[2]?.id,
      partners[1]?.id,
    ]);
    const cursor = first.json().nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const second = await t.request({
      method: 'GET',
      url: `/v1/auth/consents?limit=2&cursor=${encodeURIComponent(cursor)}`,
      token: fan.accessToken,
    });
    expect(second.json()).toEqual({
      data: [expect.objectContaining({ partnerId: partners[0]?.id })],
      nextCursor: null,
    });
    const foreign = await t.request({
      method: 'GET',
      url: '/v1/auth/consents?cursor=nope',
      token: fan.accessToken,
    });
    expect(foreign.statusCode).toBe(400);
  });

  it('refuses what is not a fan managing their own consents', async () => {
    const fan = await signup(t, 'Guarded');
    const { partner, admin } = await createPartner(t);
    const anonymous = await t.request({ method: 'GET', url: '/v1/auth/consents' });
    expect(anonymous.statusCode).toBe(401);

    const unknownPartner = await t.request({
      method: 'PUT',
      url: consentUrl(randomUUID()),
      token: fan.accessToken,
      body: {},
    });
    expect(unknownPartner.statusCode).toBe(404);
    expect(unknownPartner.json().code).toBe('partner_not_found');
    const badId = await t.request({
      method: 'PUT',
      url: consentUrl('pk_test_abc'),
      token: fan.accessToken,
      body: {},
    });
    expect(badId.statusCode).toBe(400);
    const badOrigin = await t.request({
      method: 'PUT',
      url: consentUrl(partner.id),
      token: fan.accessToken,
      body: { origin: 'javascript:alert(1)' },
    });
    expect(badOrigin.statusCode).toBe(400);

    // A partner's secret key, and a widget session it minted, cannot grant or read the fan's consents.
    await createKey(t, partner.id, admin.accessToken, {
      kind: 'publishable',
      allowedOrigins: ['https://club.example'],
    });
    const sk = await createKey(t, partner.id, admin.accessToken, { kind: 'secret' });
    const bySecret = await t.request({
      method: 'PUT',
      url: consentUrl(partner.id),
      token: sk.secret!,
      body: {},
    });
    expect(bySecret.statusCode).toBe(403);
    const minted = await t.request({
      method: 'POST',
      url: '/v1/auth/widget-sessions',
      token: sk.secret!,
      body: { externalUserId: `ext-${randomUUID()}`, displayName: 'Widget Fan' },
    });
    expect(minted.statusCode).toBe(201);
    const widgetToken = minted.json().token as string;
    for (const [method, url] of [
      ['PUT', consentUrl(partner.id)],
      ['GET', consentUrl(partner.id)],
      ['GET', '/v1/auth/consents'],
      ['DELETE', consentUrl(partner.id)],
    ] as const) {
      const answer = await t.request({
        method,
        url,
        token: widgetToken,
        ...(method === 'PUT' ? { body: {} } : {}),
      });
      expect(answer.statusCode, `${method} ${url}`).toBe(403);
      expect(answer.json().code).toBe('widget_session_forbidden');
    }
    const untouched = await t.request({ method: 'GET', url: '/v1/auth/consents', token: fan.accessToken });
    expect(untouched.json().data).toEqual([]);
  });
});
