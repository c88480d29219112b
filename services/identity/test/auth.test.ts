import {
  FAN_PASSWORD,
  login,
  newFan,
  startTestPlatform,
  type TestPlatform,
  testBackends,
} from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../src/identity.module.ts';

describe.each(testBackends())('fan accounts on $name', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(backend, [identityModule]);
  });
  afterAll(() => t.close());

  it('signs a fan up and returns the seed token shape', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/v1/auth/signup',
      body: { email: 'Lea.Martin@Example.com', password: FAN_PASSWORD, displayName: 'Léa Martin' },
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({ expiresIn: 900, tokenType: 'Bearer' });
    expect(body.accessToken.split('.')).toHaveLength(3);
    expect(body.refreshToken.length).toBeGreaterThanOrEqual(40);
    expect(body.user).toMatchObject({
      email: 'lea.martin@example.com',
      displayName: 'Léa Martin',
      role: 'fan',
      locale: 'fr',
      displayCurrency: 'EUR',
    });
    expect(body.user.handle).toMatch(/^lea\.martin\d{4}$/);
    expect(body.user).not.toHaveProperty('passwordHash');
  });

  it('refuses a second account with the same email, whatever its case', async () => {
    const first = await newFan(t, 'Twin');
    const response = await t.request({
      method: 'POST',
      url: '/v1/auth/signup',
      body: { email: first.email.toUpperCase(), password: FAN_PASSWORD, displayName: 'Other' },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('email_taken');
  });

  it.each([
    [{ email: 'a@example.com', password: 'short', displayName: 'A' }, 'password'],
    [{ email: 'not-an-email', password: FAN_PASSWORD, displayName: 'A' }, 'email'],
    [{ email: 'a@example.com', password: FAN_PASSWORD }, 'displayName'],
    [{ email: 'a@example.com', password: 1234567890123, displayName: 'A' }, 'password'],
    [{ email: 'a@example.com', password: FAN_PASSWORD, displayName: 'A', role: 'platform_admin' }, 'role'],
    [{ email: 'a@example.com', password: FAN_PASSWORD, displayName: '   ' }, 'displayName'],
  ])('rejects invalid sign-up %j naming the field', async (body, field) => {
    const response = await t.request({ method: 'POST', url: '/v1/auth/signup', body });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({ status: 400, code: 'validation_failed', title: 'Bad Request' });
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(problem.detail).toContain(field);
  });

  it('logs in, and answers identically for an unknown email and a wrong password', async () => {
    const fan = await newFan(t, 'Login');
    const ok = await login(t, fan.email, FAN_PASSWORD);
    expect(ok.user.id).toBe(fan.user.id);

    const wrong = await t.request({
      method: 'POST',
      url: '/v1/auth/login',
      body: { email: fan.email, password: 'nope-nope-nope' },
    });
    const unknown = await t.request({
      method: 'POST',
      url: '/v1/auth/login',
      body: { email: 'ghost@example.com', password: 'nope-nope-nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const { requestId: _a, ...wrongBody } = wrong.json();
    const { requestId: _b, ...unknownBody } = unknown.json();
    expect(wrongBody).toEqual(unknownBody);
    expect(wrongBody.code).toBe('invalid_credentials');
  });

  it('shows and updates the signed-in profile', async () => {
    const fan = await newFan(t, 'Profile');
    const me = await t.request({ method: 'GET', url: '/v1/auth/me', token: fan.token });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: fan.user.id, favouriteClub: null });

    const patched = await t.request({
      method: 'PATCH',
      url: '/v1/auth/me',
      token: fan.token,
      body: { displayName: 'New Name', favouriteClub: 'monaco', locale: 'en', displayCurrency: 'USD' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      displayName: 'New Name',
      favouriteClub: 'monaco',
      locale: 'en',
      displayCurrency: 'USD',
    });
    const again = await t.request({ method: 'GET', url: '/v1/auth/me', token: fan.token });
    expect(again.json().locale).toBe('en');

    for (const body of [{}, { locale: 'de' }, { displayCurrency: 'BTC' }, { email: 'x@example.com' }]) {
      const bad = await t.request({ method: 'PATCH', url: '/v1/auth/me', token: fan.token, body });
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
    }
    const cleared = await t.request({
      method: 'PATCH',
      url: '/v1/auth/me',
      token: fan.token,
      body: { favouriteClub: null },
    });
    expect(cleared.json().favouriteClub).toBeNull();
  });

  it('requires a token for /me', async () => {
    const response = await t.request({ method: 'GET', url: '/v1/auth/me' });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('unauthenticated');
  });

  it('rotates refresh tokens and revokes the family when a used one comes back', async () => {
    const fan = await newFan(t, 'Rotate');
    const first = await t.request({
      method: 'POST',
      url: '/v1/auth/refresh',
      body: { refreshToken: fan.refreshToken },
    });
    expect(first.statusCode).toBe(200);
    const rotated = first.json();
    expect(rotated.refreshToken).not.toBe(fan.refreshToken);
    const me = await t.request({ method: 'GET', url: '/v1/auth/me', token: rotated.accessToken });
    expect(me.statusCode).toBe(200);

    const reused = await t.request({
      method: 'POST',
      url: '/v1/auth/refresh',
      body: { refreshToken: fan.refreshToken },
    });
    expect(reused.statusCode).toBe(401);
    expect(reused.json().code).toBe('refresh_token_reused');

    const afterRevocation = await t.request({
      method: 'POST',
      url: '/v1/auth/refresh',
      body: { refreshToken: rotated.refreshToken },
    });
    expect(afterRevocation.statusCode).toBe(401);
    expect(afterRevocation.json().code).toBe('invalid_refresh_token');
  });

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    const fan = await newFan(t, 'Race');
    const results = await Promise.all(
      [1, 2].map(() =>
        t.request({ method: 'POST', url: '/v1/auth/refresh', body: { refreshToken: fan.refreshToken } }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('logs out: the refresh token stops working', async () => {
    const fan = await newFan(t, 'Logout');
    const out = await t.request({ method: 'POST', url: '/v1/auth/logout', token: fan.token });
    expect(out.statusCode).toBe(204);
    const refresh = await t.request({
      method: 'POST',
      url: '/v1/auth/refresh',
      body: { refreshToken: fan.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
  });

  it('throttles sign-in attempts per account, even with the right password afterwards', async () => {
    const fan = await newFan(t, 'Throttle');
    const attempts = [];
    for (let i = 0; i < 10; i++) {
      attempts.push(
        await t.request({
          method: 'POST',
          url: '/v1/auth/login',
          body: { email: fan.email, password: `wrong-password-${i}` },
        }),
      );
    }
    expect(attempts.every((r) => r.statusCode === 401)).toBe(true);
    const blocked = await t.request({
      method: 'POST',
      url: '/v1/auth/login',
      body: { email: fan.email, password: FAN_PASSWORD },
    });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.json().code).toBe('rate_limited');
    const other = await newFan(t, 'Unaffected');
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/v1/auth/login',
          body: { email: other.email, password: FAN_PASSWORD },
        })
      ).statusCode,
    ).toBe(200);
  });

  it('announces new users on the bus through the outbox', async () => {
    await newFan(t, 'Evented');
    await t.platform.flushEvents();
    const pending = await t.platform
      .database('identity')
      .query<{ n: number }>('SELECT count(*)::int AS n FROM identity.outbox WHERE published_at IS NULL');
    expect(pending.rows[0]?.n).toBe(0);
    const topics = await t.platform
      .database('identity')
      .query<{ topic: string }>(
        "SELECT DISTINCT topic FROM identity.outbox WHERE topic = 'identity.user_registered'",
      );
    expect(topics.rowCount).toBe(1);
  });
});
