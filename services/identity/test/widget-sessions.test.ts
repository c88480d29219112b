import { randomUUID } from 'node:crypto';
import {
  createClub,
  createKey,
  FAN_PASSWORD,
  login,
  newFan,
  startFixturePlatform,
  type TestPlatform,
  testBackends,
  waitFor,
} from '@pcf/kernel/testing';
import { walletModule } from '@pcf/wallet';
import type { WalletPort } from '@pcf/wallet/port';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../src/identity.module.ts';
import type { IdentityPort } from '../src/identity.port.ts';

const SHOP_ORIGIN = 'https://shop.club.example';

/** Widget sessions minted with a partner's sk_: bound to the partner, its origins and its key; never the account's owner. */
describe.each(testBackends())('widget sessions on $name', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startFixturePlatform(backend, [identityModule, walletModule], {
      env: { PCF_SESSION_CHECK_SECONDS: '1' },
    });
  });
  afterAll(() => t.close());

  /** A partner with a publishable key for SHOP_ORIGIN and a secret key. */
  async function partnerWithKeys(origin = SHOP_ORIGIN) {
    const { partnerId, admin } = await createClub(t, { origins: [origin] });
    const sk = await createKey(t, partnerId, admin.token, { kind: 'secret' });
    return { partnerId, admin, sk: { id: sk.id, secret: sk.secret! } };
  }

  async function mint(secret: string, body: Record<string, unknown> = {}) {
    const response = await t.request({
      method: 'POST',
      url: '/v1/auth/widget-sessions',
      token: secret,
      body: { externalUserId: `ext-${randomUUID()}`, displayName: 'Widget Fan', ...body },
    });
    if (response.statusCode !== 201) throw new Error(`mint failed: ${response.body}`);
    return response.json() as { token: string; user: { id: string; email: string | null; handle: string } };
  }

  const balance = (token: string, origin?: string) =>
    t.request({
      method: 'GET',
      url: '/v1/wallet/balance',
      token,
      ...(origin === undefined ? {} : { headers: { origin } }),
    });
  const me = (token: string) => t.request({ method: 'GET', url: '/v1/auth/me', token });

  describe('origins', () => {
    it("refuses a widget token sent from an origin outside its partner's publishable keys (403)", async () => {
      const { sk } = await partnerWithKeys();
      const session = await mint(sk.secret);
      await partnerWithKeys('https://other-club.example');

      const evil = await balance(session.token, 'https://evil.example');
      expect(evil.statusCode).toBe(403);
      expect(evil.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(evil.json().code).toBe('origin_not_allowed');
      // Another partner's site passes CORS (its key lists it), but this token is not bound to it.
      const otherSite = await balance(session.token, 'https://other-club.example');
      expect(otherSite.statusCode).toBe(403);
      expect(otherSite.json().code).toBe('origin_not_allowed');
      expect((await balance(session.token, 'null')).statusCode).toBe(403);

      expect((await balance(session.token, SHOP_ORIGIN)).statusCode).toBe(200);
      // The platform's own pages (the widget iframes) and requests without Origin (same-origin GETs) pass.
      expect((await balance(session.token, new URL(t.platform.config.publicUrl).origin)).statusCode).toBe(
        200,
      );
      expect((await balance(session.token)).statusCode).toBe(200);
    });

    it("moves money only from the widget: a partner's page holding the token may read, not pay (403)", async () => {
      const { sk } = await partnerWithKeys();
      const session = await mint(sk.secret);
      const payee = await newFan(t, 'Payee');
      const send = (origin?: string) =>
        t.request({
          method: 'POST',
          url: '/v1/wallet/send',
          token: session.token,
          headers: { 'idempotency-key': randomUUID(), ...(origin === undefined ? {} : { origin }) },
          body: { to: payee.user.id, amount: '1.00', asset: 'EUR' },
        });
      const fromPage = await send(SHOP_ORIGIN);
      expect(fromPage.statusCode).toBe(403);
      expect(fromPage.json().code).toBe('fan_confirmation_required');
      expect((await balance(session.token, SHOP_ORIGIN)).statusCode).toBe(200);
      // From the widget page (our origin) the request reaches the wallet: here it fails only for lack of funds.
      const fromWidget = await send(new URL(t.platform.config.publicUrl).origin);
      expect(fromWidget.statusCode).toBe(422);
      expect(fromWidget.json().code).toBe('insufficient_funds');
    });

    it('leaves ordinary fan tokens alone (CORS guards browsers there)', async () => {
      const fan = await newFan(t, 'Plain');
      expect((await balance(fan.token, 'https://evil.example')).statusCode).toBe(200);
    });
  });

  describe('revocation', () => {
    it('refuses widget tokens within seconds once the secret key that minted them is revoked', async () => {
      const { partnerId, admin, sk } = await partnerWithKeys();
      const spare = await createKey(t, partnerId, admin.token, { kind: 'secret' });
      const session = await mint(sk.secret);
      const other = await mint(spare.secret!);
      expect((await me(session.token)).statusCode).toBe(200);

      const revoked = await t.request({
        method: 'DELETE',
        url: `/v1/partners/${partnerId}/keys/${sk.id}`,
        token: admin.token,
      });
      expect(revoked.statusCode).toBe(200);
      const refused = await waitFor(async () => {
        const response = await me(session.token);
        return response.statusCode === 401 ? response : undefined;
      }, 'the widget token of a revoked key is refused');
      expect(refused.json().code).toBe('session_revoked');
      expect((await balance(session.token)).statusCode).toBe(401);
      // Sessions minted with the partner's other, active key keep working.
      expect((await me(other.token)).statusCode).toBe(200);
    });

    it('records which secret key minted each session', async () => {
      const { sk } = await partnerWithKeys();
      const session = await mint(sk.secret);
      const payload = JSON.parse(Buffer.from(session.token.split('.')[1]!, 'base64url').toString());
      const row = await t.platform
        .database('identity')
        .query<{ minted_by_key_id: string }>('SELECT minted_by_key_id FROM identity.sessions WHERE id = $1', [
          payload.sid,
        ]);
      expect(row.rows[0]?.minted_by_key_id).toBe(sk.id);
    });

    it('refuses a widget token within seconds after logout', async () => {
      const { sk } = await partnerWithKeys();
      const session = await mint(sk.secret);
      expect((await me(session.token)).statusCode).toBe(200);
      const out = await t.request({ method: 'POST', url: '/v1/auth/logout', token: session.token });
      expect(out.statusCode).toBe(204);
      await waitFor(
        async () => (await me(session.token)).statusCode === 401,
        'logged-out widget token refused',
      );
    });

    it("refuses a fan's access token within seconds after logout", async () => {
      const fan = await newFan(t, 'Leaving');
      const out = await t.request({ method: 'POST', url: '/v1/auth/logout', token: fan.token });
      expect(out.statusCode).toBe(204);
      const refused = await waitFor(async () => {
        const response = await me(fan.token);
        return response.statusCode === 401 ? response : undefined;
      }, 'logged-out access token refused');
      expect(refused.json().code).toBe('session_revoked');
    });
  });

  describe("the fan's account stays the fan's", () => {
    it('refuses profile changes through a widget session (403)', async () => {
      const { sk } = await partnerWithKeys();
      const session = await mint(sk.secret);
      for (const body of [
        { displayName: 'Renamed by partner' },
        { locale: 'en' },
        { favouriteClub: 'psg' },
      ]) {
        const response = await t.request({ method: 'PATCH', url: '/v1/auth/me', token: session.token, body });
        expect(response.statusCode, JSON.stringify(body)).toBe(403);
        expect(response.json().code).toBe('widget_session_forbidden');
      }
      expect((await me(session.token)).json().displayName).toBe('Widget Fan');
    });
  });

  describe('sessions list', () => {
    it('lists widget sessions with their partner, and revokes one', async () => {
      const { partnerId, sk } = await partnerWithKeys();
      const externalUserId = `ext-${randomUUID()}`;
      const first = await mint(sk.secret, { externalUserId });
      const second = await mint(sk.secret, { externalUserId });
      const list = await t.request({ method: 'GET', url: '/v1/auth/sessions', token: second.token });
      expect(list.statusCode).toBe(200);
      const sessions = list.json().data as {
        id: string;
        kind: string;
        current: boolean;
        partner: { id: string; name: string } | null;
      }[];
      expect(sessions).toHaveLength(2);
      for (const s of sessions) {
        expect(s.kind).toBe('widget');
        expect(s.partner).toEqual({ id: partnerId, name: expect.any(String) });
      }
      const current = sessions.find((s) => s.current);
      const other = sessions.find((s) => !s.current)!;
      expect(current).toBeDefined();

      const revoked = await t.request({
        method: 'DELETE',
        url: `/v1/auth/sessions/${other.id}`,
        token: second.token,
      });
      expect(revoked.statusCode).toBe(204);
      await waitFor(
        async () => (await me(first.token)).statusCode === 401,
        'the revoked widget session is refused',
      );
      expect((await me(second.token)).statusCode).toBe(200);
      const after = await t.request({ method: 'GET', url: '/v1/auth/sessions', token: second.token });
      expect(after.json().data).toHaveLength(1);
    });
  });

  it("cannot end the account's sessions of another kind (403)", async () => {
    const { sk } = await partnerWithKeys();
    const session = await mint(sk.secret);
    // A password session on the same account (no API makes one for a partner's fan today; the rule holds anyway).
    const other = randomUUID();
    await t.platform
      .database('identity')
      .query(
        `INSERT INTO identity.sessions (id, user_id, kind, expires_at) VALUES ($1, $2, 'password', now() + interval '1 hour')`,
        [other, session.user.id],
      );
    const response = await t.request({
      method: 'DELETE',
      url: `/v1/auth/sessions/${other}`,
      token: session.token,
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('widget_session_forbidden');
  });

  describe('partner-supplied emails are unverified', () => {
    it('never become the account email, a login, a send target, or a reason to refuse a signup', async () => {
      const { sk } = await partnerWithKeys();
      const email = `claimed-${randomUUID().slice(0, 8)}@example.com`;
      const session = await mint(sk.secret, { email });
      expect(session.user.email).toBeNull();
      expect((await me(session.token)).json().email).toBeNull();

      // Not a send target: identity does not resolve it, so the wallet answers 404.
      expect(await t.platform.port<IdentityPort>('identity').findUser(email)).toBeNull();
      const sender = await newFan(t, 'Sender');
      await t.platform.port<WalletPort>('wallet').credit({
        idempotencyKey: `fund-${randomUUID()}`,
        userId: sender.user.id,
        amount: '10.00',
        asset: 'EUR',
        reason: 'cashback',
      });
      const send = await t.request({
        method: 'POST',
        url: '/v1/wallet/send',
        token: sender.token,
        headers: { 'idempotency-key': randomUUID() },
        body: { to: email, amount: '1.00', asset: 'EUR' },
      });
      expect(send.statusCode).toBe(404);
      expect(send.json().code).toBe('recipient_not_found');

      // The address's real owner can still sign up with it, and then signs in with it.
      const owner = await t.request({
        method: 'POST',
        url: '/v1/auth/signup',
        body: { email, password: FAN_PASSWORD, displayName: 'Real Owner' },
      });
      expect(owner.statusCode).toBe(201);
      expect(owner.json().user.id).not.toBe(session.user.id);
      expect((await login(t, email, FAN_PASSWORD)).user.id).toBe(owner.json().user.id);
      expect((await t.platform.port<IdentityPort>('identity').findUser(email))?.id).toBe(
        owner.json().user.id,
      );
    });
  });
});
