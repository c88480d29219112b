import { randomUUID } from 'node:crypto';
import {
  FAN_PASSWORD,
  type Fan,
  newFan,
  startTestPlatform,
  type TestPlatform,
  testBackends,
} from '@pcf/kernel/testing';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../src/identity.module.ts';

function sessionOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sid;
}

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe.each(testBackends())('security suite on $name', (backend) => {
  let t: TestPlatform;
  let fan: Fan;
  let signingKey: { kid: string; jwk: JWK };

  beforeAll(async () => {
    t = await startTestPlatform(backend, [identityModule]);
    fan = await newFan(t, 'Target');
    const row = await t.platform
      .database('identity')
      .query<{ kid: string; private_jwk: JWK | string }>(
        'SELECT kid, private_jwk FROM identity.signing_keys LIMIT 1',
      );
    const key = row.rows[0]!;
    signingKey = {
      kid: key.kid,
      jwk: typeof key.private_jwk === 'string' ? JSON.parse(key.private_jwk) : key.private_jwk,
    };
  });
  afterAll(() => t.close());

  const me = (token: string) => t.request({ method: 'GET', url: '/v1/auth/me', token });
  // The fan's real session: the platform refuses tokens of unknown or ended sessions (see widget-sessions.test.ts).
  const claims = () => ({ role: 'fan', sid: sessionOf(fan.token), typ: 'access' });
  const sign = async (
    key: Parameters<SignJWT['sign']>[0],
    kid: string,
    mutate?: (jwt: SignJWT) => SignJWT,
  ) => {
    let jwt = new SignJWT(claims())
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setSubject(fan.user.id)
      .setIssuer('paiecashfan')
      .setAudience('pcf-api')
      .setIssuedAt()
      .setExpirationTime('5m');
    if (mutate) jwt = mutate(jwt);
    return jwt.sign(key);
  };

  it('accepts a token signed with the real key (control)', async () => {
    const token = await sign(await importJWK(signingKey.jwk, 'EdDSA'), signingKey.kid);
    expect((await me(token)).statusCode).toBe(200);
  });

  it('rejects a correctly signed token whose session does not exist', async () => {
    const key = await importJWK(signingKey.jwk, 'EdDSA');
    const forged = await new SignJWT({ role: 'fan', sid: randomUUID(), typ: 'access' })
      .setProtectedHeader({ alg: 'EdDSA', kid: signingKey.kid })
      .setSubject(fan.user.id)
      .setIssuer('paiecashfan')
      .setAudience('pcf-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
    const response = await me(forged);
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('session_revoked');
  });

  it('rejects a tampered token', async () => {
    const [header, payload, signature] = fan.token.split('.');
    const claimsObject = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = `${header}.${b64({ ...claimsObject, role: 'platform_admin' })}.${signature}`;
    const response = await me(forged);
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('invalid_token');
  });

  it('rejects an expired token', async () => {
    const key = await importJWK(signingKey.jwk, 'EdDSA');
    const token = await sign(key, signingKey.kid, (jwt) =>
      jwt
        .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60),
    );
    const response = await me(token);
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('token_expired');
  });

  it('rejects a token signed with another key, even under the real kid', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    expect((await me(await sign(privateKey, signingKey.kid))).statusCode).toBe(401);
    expect((await me(await sign(privateKey, 'unknown-kid'))).statusCode).toBe(401);
  });

  it('rejects alg "none" and HMAC tokens keyed with the public key', async () => {
    const payload = {
      ...claims(),
      sub: fan.user.id,
      iss: 'paiecashfan',
      aud: 'pcf-api',
      exp: Math.floor(Date.now() / 1000) + 300,
    };
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
    expect((await me(none)).statusCode).toBe(401);
    const publicJwk = await exportJWK(await importJWK({ ...signingKey.jwk, d: undefined }, 'EdDSA'));
    const hmacKey = new TextEncoder().encode(JSON.stringify(publicJwk));
    const hs = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256', kid: signingKey.kid })
      .sign(hmacKey);
    expect((await me(hs)).statusCode).toBe(401);
  });

  it('rejects a token for another audience or issuer', async () => {
    const key = await importJWK(signingKey.jwk, 'EdDSA');
    expect((await me(await sign(key, signingKey.kid, (jwt) => jwt.setAudience('other')))).statusCode).toBe(
      401,
    );
    expect((await me(await sign(key, signingKey.kid, (jwt) => jwt.setIssuer('evil')))).statusCode).toBe(401);
  });

  it.each(['Basic abc', 'Bearer', 'Bearer a b', `Bearer ${'x'.repeat(5000)}`, 'bearer-token'])(
    'rejects a malformed Authorization header %#',
    async (header) => {
      const response = await t.request({
        method: 'GET',
        url: '/v1/auth/me',
        headers: { authorization: header },
      });
      expect(response.statusCode).toBe(401);
    },
  );

  it.each(['Bearer garbage', 'Bearer garbage-but-longer', 'Bearer a.b.c', `Bearer ${'x'.repeat(5000)}`])(
    'answers a well-formed header with a token that is not ours with 401 invalid_token about the token %#',
    async (header) => {
      const response = await t.request({
        method: 'GET',
        url: '/v1/auth/me',
        headers: { authorization: header },
      });
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json().code).toBe('invalid_token');
      expect(response.json().detail).toBe('The access token is invalid');
    },
  );

  it.each(['Basic abc', 'Bearer', 'Bearer ', 'Bearer a b', 'bearer-token'])(
    'keeps the header-format message for a header that is not "Bearer <token>" %#',
    async (header) => {
      const response = await t.request({
        method: 'GET',
        url: '/v1/auth/me',
        headers: { authorization: header },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().detail).toMatch(/must be "Bearer <token>"/);
    },
  );

  it('publishes the verifying keys as a JWKS with kid and no private part', async () => {
    const response = await t.request({ method: 'GET', url: '/.well-known/jwks.json' });
    const jwks = response.json();
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: signingKey.kid });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const header = JSON.parse(Buffer.from(fan.token.split('.')[0]!, 'base64url').toString());
    expect(header).toMatchObject({ alg: 'EdDSA', kid: signingKey.kid });
  });

  describe('bad bodies are 4xx problem+json, never 500', () => {
    const post = (payload: string, contentType = 'application/json') =>
      t.platform.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        headers: { 'content-type': contentType },
        payload,
      });

    it.each([
      ['malformed JSON', '{"email": "a@b.c", ', 400, 'malformed_json'],
      ['an empty body', '', 400, 'empty_body'],
      ['a JSON array', '[]', 400, 'validation_failed'],
      ['a JSON string', '"hello"', 400, 'validation_failed'],
      ['null', 'null', 400, 'validation_failed'],
      ['wrong types', '{"email": 12, "password": true}', 400, 'validation_failed'],
      ['missing fields', '{}', 400, 'validation_failed'],
      ['unknown fields', '{"email":"a@b.c","password":"x","admin":true}', 400, 'validation_failed'],
      ['proto pollution', '{"email":"a@b.c","password":"x","__proto__":{"admin":true}}', 400, undefined],
    ])('%s', async (_name, payload, status, code) => {
      const response = await post(payload);
      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      if (code) expect(response.json().code).toBe(code);
      expect(response.json()).toHaveProperty('requestId');
    });

    it('a 2 MB body', async () => {
      const response = await post(JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(2 * 1024 * 1024) }));
      expect(response.statusCode).toBe(413);
      expect(response.json().code).toBe('body_too_large');
    });

    it('an unsupported content type', async () => {
      const response = await post('email=a', 'application/x-www-form-urlencoded');
      expect(response.statusCode).toBe(415);
      expect(response.json().code).toBe('unsupported_media_type');
    });
  });
});

describe('per-IP sign-in throttling', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(testBackends()[0]!, [identityModule]);
  });
  afterAll(() => t.close());

  it('blocks an address after 300 attempts in 15 minutes, whichever accounts they target', async () => {
    const fan = await newFan(t, 'Crowd');
    const attempt = (email: string, password: string, ip: string) =>
      t.platform.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        remoteAddress: ip,
        payload: { email, password },
      });
    const statuses: number[] = [];
    for (let batch = 0; batch < 30; batch++) {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          attempt(`ghost-${batch}-${i}@example.com`, 'wrong-password', '203.0.113.7'),
        ),
      );
      statuses.push(...results.map((r) => r.statusCode));
    }
    expect(statuses.every((s) => s === 401)).toBe(true);
    const blocked = await attempt(fan.email, FAN_PASSWORD, '203.0.113.7');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt(fan.email, FAN_PASSWORD, '198.51.100.1')).statusCode).toBe(200);
  });
});
