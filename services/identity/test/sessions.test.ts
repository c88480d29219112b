import {
  FAN_PASSWORD,
  login,
  newFan,
  startTestPlatform,
  type TestPlatform,
  testBackends,
  waitFor,
} from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../src/identity.module.ts';

interface SessionView {
  id: string;
  kind: 'password' | 'widget';
  current: boolean;
  partner: { id: string; name: string } | null;
  createdAt: string;
  expiresAt: string;
}

describe.each(testBackends())("a fan's sessions on $name", (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(backend, [identityModule], { PCF_SESSION_CHECK_SECONDS: '1' });
  });
  afterAll(() => t.close());

  const list = (token: string, query = '') =>
    t.request({ method: 'GET', url: `/v1/auth/sessions${query}`, token });

  it('lists the signed-in fan’s sessions, newest first, paged', async () => {
    const fan = await newFan(t, 'Many');
    const laptop = await login(t, fan.email, FAN_PASSWORD);
    const phone = await login(t, fan.email, FAN_PASSWORD);
    const all = await list(phone.token);
    expect(all.statusCode).toBe(200);
    const sessions = all.json().data as SessionView[];
    expect(sessions).toHaveLength(3);
    expect(sessions.map((s) => s.kind)).toEqual(['password', 'password', 'password']);
    expect(sessions.every((s) => s.partner === null)).toBe(true);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(sessions[0]?.current).toBe(true);
    expect(JSON.stringify(sessions)).not.toContain(laptop.refreshToken);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(phone.token, `?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode).toBe(200);
      const body = page.json() as { data: SessionView[]; nextCursor: string | null };
      seen.push(...body.data.map((s) => s.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(sessions.map((s) => s.id));
  });

  it('revokes another session: its access token is refused within seconds and its refresh token at once', async () => {
    const fan = await newFan(t, 'Careful');
    const stolen = await login(t, fan.email, FAN_PASSWORD);
    const sessions = (await list(fan.token)).json().data as SessionView[];
    const target = sessions.find((s) => !s.current)!;
    const revoked = await t.request({
      method: 'DELETE',
      url: `/v1/auth/sessions/${target.id}`,
      token: fan.token,
    });
    expect(revoked.statusCode).toBe(204);
    const refresh = await t.request({
      method: 'POST',
      url: '/v1/auth/refresh',
      body: { refreshToken: stolen.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
    await waitFor(
      async () =>
        (await t.request({ method: 'GET', url: '/v1/auth/me', token: stolen.token })).statusCode === 401,
      'the revoked session’s access token is refused',
    );
    expect((await t.request({ method: 'GET', url: '/v1/auth/me', token: fan.token })).statusCode).toBe(200);
    expect((await list(fan.token)).json().data).toHaveLength(1);
  });

  it("cannot see or revoke another fan's session (404)", async () => {
    const a = await newFan(t, 'Alice');
    const b = await newFan(t, 'Bob');
    const bSession = ((await list(b.token)).json().data as SessionView[])[0]!;
    const response = await t.request({
      method: 'DELETE',
      url: `/v1/auth/sessions/${bSession.id}`,
      token: a.token,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('session_not_found');
    expect((await t.request({ method: 'GET', url: '/v1/auth/me', token: b.token })).statusCode).toBe(200);
  });

  it('requires a signed-in user', async () => {
    expect((await t.request({ method: 'GET', url: '/v1/auth/sessions' })).statusCode).toBe(401);
  });
});
