import {
  createClub,
  createKey,
  FAN_PASSWORD,
  login,
  newFan,
  startFixturePlatform,
  TEST_ADMIN,
  type TestPlatform,
  testBackends,
} from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../src/identity.module.ts';

describe.each(testBackends())('partners and API keys on $name', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startFixturePlatform(backend, [identityModule]);
  });
  afterAll(() => t.close());

  it('lets only platform admins create partners, and refuses a taken slug', async () => {
    const fan = await newFan(t, 'Nobody');
    const body = {
      name: 'X',
      slug: 'x-club',
      admin: { email: 'x@example.com', password: FAN_PASSWORD, displayName: 'X' },
    };
    const denied = await t.request({ method: 'POST', url: '/v1/partners', token: fan.token, body });
    expect(denied.statusCode).toBe(403);
    const admin = await login(t, TEST_ADMIN.email, TEST_ADMIN.password);
    expect(admin.user.role).toBe('platform_admin');
    const created = await t.request({ method: 'POST', url: '/v1/partners', token: admin.token, body });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      partner: { name: 'X', slug: 'x-club' },
      admin: { role: 'partner_admin', email: 'x@example.com' },
    });
    const again = await t.request({
      method: 'POST',
      url: '/v1/partners',
      token: admin.token,
      body: { ...body, admin: { ...body.admin, email: 'y@example.com' } },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('slug_taken');
    const list = await t.request({ method: 'GET', url: '/v1/partners?limit=1', token: admin.token });
    expect(list.json().data).toHaveLength(1);
  });

  it('creates publishable and secret keys; a secret is shown once and stored hashed', async () => {
    const { partnerId, admin } = await createClub(t);
    const pk = await createKey(t, partnerId, admin.token, {
      kind: 'publishable',
      mode: 'test',
      allowedOrigins: ['https://club.example', 'http://localhost:3000'],
    });
    expect(pk.publishableKey).toMatch(/^pk_test_[A-Za-z0-9]{24}$/);
    expect(pk.secret).toBeNull();
    const sk = await createKey(t, partnerId, admin.token, { kind: 'secret' });
    expect(sk.secret).toMatch(/^sk_live_[A-Za-z0-9]{40}$/);

    const list = await t.request({
      method: 'GET',
      url: `/v1/partners/${partnerId}/keys`,
      token: admin.token,
    });
    expect(list.statusCode).toBe(200);
    const keys = list.json().data as Record<string, unknown>[];
    expect(keys).toHaveLength(2);
    expect(JSON.stringify(keys)).not.toContain(sk.secret);
    expect(keys.find((k) => k.kind === 'secret')).toMatchObject({ secretLast4: sk.secret?.slice(-4) });
    const stored = await t.platform
      .database('identity')
      .query<{ secret_hash: string }>(
        "SELECT secret_hash FROM identity.api_keys WHERE kind = 'secret' AND id = $1",
        [sk.id],
      );
    expect(stored.rows[0]?.secret_hash).toMatch(/^[0-9a-f]{64}$/);

    const info = await t.request({
      method: 'GET',
      url: `/v1/partners/publishable-keys/${pk.publishableKey}`,
    });
    expect(info.json()).toMatchObject({
      partnerId: partnerId,
      mode: 'test',
      allowedOrigins: ['https://club.example', 'http://localhost:3000'],
    });
  });

  it('pages through keys with a cursor', async () => {
    const { partnerId, admin } = await createClub(t);
    for (let i = 0; i < 5; i++)
      await createKey(t, partnerId, admin.token, { kind: 'publishable', label: `k${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/partners/${partnerId}/keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await t.request({ method: 'GET', url, token: admin.token });
      expect(page.statusCode).toBe(200);
      const body = page.json() as { data: { id: string }[]; nextCursor: string | null };
      seen.push(...body.data.map((k) => k.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    const bad = await t.request({
      method: 'GET',
      url: `/v1/partners/${partnerId}/keys?cursor=garbage`,
      token: admin.token,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('cursor');
  });

  it("hides a partner from other partners' admins and from fans (404)", async () => {
    const a = await createClub(t);
    const b = await createClub(t);
    const fan = await newFan(t, 'Curious');
    for (const token of [b.admin.token, fan.token]) {
      for (const request of [
        { method: 'GET' as const, url: `/v1/partners/${a.partnerId}` },
        { method: 'GET' as const, url: `/v1/partners/${a.partnerId}/keys` },
        { method: 'POST' as const, url: `/v1/partners/${a.partnerId}/keys`, body: { kind: 'secret' } },
      ]) {
        const response = await t.request({ ...request, token });
        expect(response.statusCode, `${request.method} ${request.url}`).toBe(404);
      }
    }
  });

  it('mints widget sessions from a secret key: same external id, same fan, always', async () => {
    const { partnerId, admin } = await createClub(t);
    await createKey(t, partnerId, admin.token, {
      kind: 'publishable',
      allowedOrigins: ['https://shop.club.example'],
    });
    const sk = (await createKey(t, partnerId, admin.token, { kind: 'secret', mode: 'test' })).secret!;
    const mint = (body: Record<string, unknown>) =>
      t.request({ method: 'POST', url: '/v1/auth/widget-sessions', token: sk, body });

    const first = await mint({ externalUserId: 'u-42', email: 'fan42@example.com', displayName: 'Fan 42' });
    expect(first.statusCode).toBe(201);
    const session = first.json();
    expect(session.expiresIn).toBeLessThanOrEqual(900);
    const second = await mint({ externalUserId: 'u-42', displayName: 'Renamed' });
    expect(second.json().user.id).toBe(session.user.id);
    const [c1, c2] = await Promise.all([
      mint({ externalUserId: 'u-race', displayName: 'Racer' }),
      mint({ externalUserId: 'u-race', displayName: 'Racer' }),
    ]);
    expect(c1.json().user.id).toBe(c2.json().user.id);

    const me = await t.request({ method: 'GET', url: '/v1/auth/me', token: session.token });
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(session.user.id);
    const payload = JSON.parse(Buffer.from(session.token.split('.')[1], 'base64url').toString());
    expect(payload).toMatchObject({ typ: 'widget', pid: partnerId, origins: ['https://shop.club.example'] });
    expect(payload.exp - payload.iat).toBeLessThanOrEqual(900);
  });

  it('never links a widget fan to an existing account by email', async () => {
    const victim = await newFan(t, 'Victim');
    const { partnerId, admin } = await createClub(t);
    const sk = (await createKey(t, partnerId, admin.token, { kind: 'secret' })).secret!;
    const minted = await t.request({
      method: 'POST',
      url: '/v1/auth/widget-sessions',
      token: sk,
      body: { externalUserId: 'attacker', email: victim.email, displayName: 'Not the victim' },
    });
    expect(minted.statusCode).toBe(201);
    expect(minted.json().user.id).not.toBe(victim.user.id);
  });

  it('accepts only live secret keys for widget sessions', async () => {
    const { partnerId, admin } = await createClub(t);
    const fan = await newFan(t, 'Fan');
    const pk = (await createKey(t, partnerId, admin.token, { kind: 'publishable' })).publishableKey!;
    const key = await createKey(t, partnerId, admin.token, { kind: 'secret' });
    const body = { externalUserId: 'x', displayName: 'X' };
    const withFan = await t.request({
      method: 'POST',
      url: '/v1/auth/widget-sessions',
      token: fan.token,
      body,
    });
    expect(withFan.statusCode).toBe(403);
    const withPk = await t.request({ method: 'POST', url: '/v1/auth/widget-sessions', token: pk, body });
    expect(withPk.statusCode).toBe(401);
    const revoked = await t.request({
      method: 'DELETE',
      url: `/v1/partners/${partnerId}/keys/${key.id}`,
      token: admin.token,
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    const withRevoked = await t.request({
      method: 'POST',
      url: '/v1/auth/widget-sessions',
      token: key.secret!,
      body,
    });
    expect(withRevoked.statusCode).toBe(401);
    expect(withRevoked.json().code).toBe('invalid_api_key');
    const unknownPk = await t.request({
      method: 'GET',
      url: `/v1/partners/publishable-keys/pk_live_doesnotexist00`,
    });
    expect(unknownPk.statusCode).toBe(404);
  });
});
