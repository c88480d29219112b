import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JSONWebKeySet, SignJWT } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { TokenVerifier } from '../src/auth/token-verifier.ts';

async function keyPair() {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  return { kid: randomUUID(), privateKey, jwk: await exportJWK(publicKey) };
}

function token(key: Awaited<ReturnType<typeof keyPair>>, claims: Record<string, unknown> = {}) {
  return new SignJWT({ role: 'fan', sid: 's1', typ: 'access', ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setSubject('user-1')
    .setIssuer('paiecashfan')
    .setAudience('pcf-api')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey);
}

describe('TokenVerifier', () => {
  it('verifies locally, fetching the keys once, and picks up a rotated key', async () => {
    const first = await keyPair();
    const second = await keyPair();
    let published: JSONWebKeySet = { keys: [{ ...first.jwk, kid: first.kid }] };
    let fetches = 0;
    const verifier = new TokenVerifier(
      {
        getJwks: async () => {
          fetches++;
          return published;
        },
      },
      0,
    );
    for (let i = 0; i < 5; i++)
      expect(await verifier.verify(await token(first))).toMatchObject({ userId: 'user-1' });
    expect(fetches).toBe(1);
    published = { keys: [...published.keys, { ...second.jwk, kid: second.kid }] };
    expect(await verifier.verify(await token(second))).toMatchObject({
      kind: 'user',
      role: 'fan',
      sessionId: 's1',
    });
    expect(fetches).toBe(2);
  });

  it('reads widget sessions with their partner and origins, and rejects inconsistent ones', async () => {
    const key = await keyPair();
    const verifier = new TokenVerifier({ getJwks: async () => ({ keys: [{ ...key.jwk, kid: key.kid }] }) });
    expect(
      await verifier.verify(await token(key, { typ: 'widget', pid: 'p1', origins: ['https://a.example'] })),
    ).toEqual({
      kind: 'widget',
      userId: 'user-1',
      role: 'fan',
      partnerId: 'p1',
      origins: ['https://a.example'],
      sessionId: 's1',
    });
    await expect(
      verifier.verify(await token(key, { typ: 'widget', role: 'platform_admin', pid: 'p1', origins: [] })),
    ).rejects.toMatchObject({
      code: 'invalid_token',
    });
    await expect(verifier.verify(await token(key, { role: 'emperor' }))).rejects.toMatchObject({
      code: 'invalid_token',
    });
    await expect(verifier.verify(await token(key, { typ: 'refresh' }))).rejects.toMatchObject({
      code: 'invalid_token',
    });
  });

  it('stops accepting a cached token once it expires', async () => {
    const key = await keyPair();
    const verifier = new TokenVerifier({ getJwks: async () => ({ keys: [{ ...key.jwk, kid: key.kid }] }) });
    const jwt = await token(key);
    expect(await verifier.verify(jwt)).toMatchObject({ userId: 'user-1' });
    vi.useFakeTimers({ now: Date.now() + 10 * 60_000, toFake: ['Date'] });
    try {
      await expect(verifier.verify(jwt)).rejects.toMatchObject({ code: 'token_expired' });
    } finally {
      vi.useRealTimers();
    }
  });
});
