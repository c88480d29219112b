import { randomUUID } from 'node:crypto';
import {
  createClub,
  createKey,
  newFan,
  startFixturePlatform,
  type TestPlatform,
  testBackends,
} from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../src/identity.module.ts';

/** A fan's consents to partners (what a partner's pages may read through the SDK): /v1/auth/consents. */
describe.each(testBackends())('consents to partners on $name', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startFixturePlatform(backend, [identityModule]);
  });
  afterAll(() => t.close());

  const consentUrl = (partnerId: string) => `/v1/auth/consents/${partnerId}`;

  it('grants once per partner (201 then 200, first grant kept), reads, lists with the partner, and revokes', async () => {
    const fan = await newFan(t, 'Consenting');
    const { partnerId, slug } = await createClub(t);

    const missing = await t.request({ method: 'GET', url: consentUrl(partnerId), token: fan.token });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(missing.json().code).toBe('consent_not_found');

    const granted = await t.request({
      method: 'PUT',
      url: consentUrl(partnerId),
      token: fan.token,
      body: { origin: 'https://club.example' },
    });
    expect(granted.statusCode).toBe(201);
    expect(granted.json()).toEqual({
      partnerId: partnerId,
      partnerName: `Club ${slug}`,
      partnerSlug: slug,
      origin: 'https://club.example',
      grantedAt: expect.any(String),
    });
    const again = await t.request({
      method: 'PUT',
      url: consentUrl(partnerId),
      token: fan.token,
      body: {},
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(granted.json());

    const read = await t.request({ method: 'GET', url: consentUrl(partnerId), token: fan.token });
    expect(read.json()).toEqual(granted.json());
    const list = await t.request({ method: 'GET', url: '/v1/auth/consents', token: fan.token });
    expect(list.json()).toEqual({ data: [granted.json()], nextCursor: null });

    const revoked = await t.request({
      method: 'DELETE',
      url: consentUrl(partnerId),
      token: fan.token,
    });
    expect(revoked.statusCode).toBe(204);
    const gone = await t.request({ method: 'GET', url: consentUrl(partnerId), token: fan.token });
    expect(gone.statusCode).toBe(404);
    const twice = await t.request({ method: 'DELETE', url: consentUrl(partnerId), token: fan.token });
    expect(twice.statusCode).toBe(404);
    expect(twice.json().code).toBe('consent_not_found');
    const empty = await t.request({ method: 'GET', url: '/v1/auth/consents', token: fan.token });
    expect(empty.json()).toEqual({ data: [], nextCursor: null });
  });

  it("keeps each fan's consents to themselves", async () => {
    const [alice, bob] = [await newFan(t, 'Alice'), await newFan(t, 'Bob')];
    const { partnerId } = await createClub(t);
    await t.request({ method: 'PUT', url: consentUrl(partnerId), token: alice.token, body: {} });
    const bobsView = await t.request({ method: 'GET', url: consentUrl(partnerId), token: bob.token });
    expect(bobsView.statusCode).toBe(404);
    const bobsList = await t.request({ method: 'GET', url: '/v1/auth/consents', token: bob.token });
    expect(bobsList.json().data).toEqual([]);
    const bobsRevoke = await t.request({
      method: 'DELETE',
      url: consentUrl(partnerId),
      token: bob.token,
    });
    expect(bobsRevoke.statusCode).toBe(404);
    const stillThere = await t.request({
      method: 'GET',
      url: consentUrl(partnerId),
      token: alice.token,
    });
    expect(stillThere.statusCode).toBe(200);
  });

  it('pages the list newest first with a cursor', async () => {
    const fan = await newFan(t, 'Pager');
    const partners = [];
    for (let i = 0; i < 3; i++) {
      const { partnerId } = await createClub(t);
      partners.push(partnerId);
      const granted = await t.request({
        method: 'PUT',
        url: consentUrl(partnerId),
        token: fan.token,
        body: {},
      });
      expect(granted.statusCode, granted.body).toBe(201);
    }
    const first = await t.request({
      method: 'GET',
      url: '/v1/auth/consents?limit=2',
      token: fan.token,
    });
    expect(first.json().data.map((c: { partnerId: string }) => c.partnerId)).toEqual([
      partners[2],
      partners[1],
    ]);
    const cursor = first.json().nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const second = await t.request({
      method: 'GET',
      url: `/v1/auth/consents?limit=2&cursor=${encodeURIComponent(cursor)}`,
      token: fan.token,
    });
    expect(second.json()).toEqual({
      data: [expect.objectContaining({ partnerId: partners[0] })],
      nextCursor: null,
    });
    const foreign = await t.request({
      method: 'GET',
      url: '/v1/auth/consents?cursor=nope',
      token: fan.token,
    });
    expect(foreign.statusCode).toBe(400);
  });

  it('refuses what is not a fan managing their own consents', async () => {
    const fan = await newFan(t, 'Guarded');
    const { partnerId, admin } = await createClub(t);
    const anonymous = await t.request({ method: 'GET', url: '/v1/auth/consents' });
    expect(anonymous.statusCode).toBe(401);

    const unknownPartner = await t.request({
      method: 'PUT',
      url: consentUrl(randomUUID()),
      token: fan.token,
      body: {},
    });
    expect(unknownPartner.statusCode).toBe(404);
    expect(unknownPartner.json().code).toBe('partner_not_found');
    const badId = await t.request({
      method: 'PUT',
      url: consentUrl('pk_test_abc'),
      token: fan.token,
      body: {},
    });
    expect(badId.statusCode).toBe(400);
    const badOrigin = await t.request({
      method: 'PUT',
      url: consentUrl(partnerId),
      token: fan.token,
      body: { origin: 'javascript:alert(1)' },
    });
    expect(badOrigin.statusCode).toBe(400);

    // A partner's secret key, and a widget session it minted, cannot grant or read the fan's consents.
    await createKey(t, partnerId, admin.token, {
      kind: 'publishable',
      allowedOrigins: ['https://club.example'],
    });
    const sk = await createKey(t, partnerId, admin.token, { kind: 'secret' });
    const bySecret = await t.request({
      method: 'PUT',
      url: consentUrl(partnerId),
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
      ['PUT', consentUrl(partnerId)],
      ['GET', consentUrl(partnerId)],
      ['GET', '/v1/auth/consents'],
      ['DELETE', consentUrl(partnerId)],
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
    const untouched = await t.request({ method: 'GET', url: '/v1/auth/consents', token: fan.token });
    expect(untouched.json().data).toEqual([]);
  });
});
