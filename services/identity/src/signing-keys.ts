import { randomUUID } from 'node:crypto';
import { type AccessClaims, TOKEN_AUDIENCE, TOKEN_ISSUER } from '@pcf/kernel';
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  SignJWT,
} from 'jose';
import type { IdentityRepository } from './auth.repository.ts';

/** Ed25519 keys that sign access tokens; the newest active key signs, all active ones are published. */
export class SigningKeys {
  #current: { kid: string; key: CryptoKey | Uint8Array } | undefined;
  #jwks: JSONWebKeySet = { keys: [] };

  constructor(private readonly repository: IdentityRepository) {}

  async load(): Promise<void> {
    let rows = await this.repository.activeSigningKeys();
    if (rows.length === 0) {
      const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
      const kid = randomUUID();
      await this.repository.insertSigningKey(kid, await exportJWK(publicKey), await exportJWK(privateKey));
      rows = await this.repository.activeSigningKeys();
    }
    const newest = rows[0];
    if (!newest) throw new Error('no signing key available');
    this.#current = { kid: newest.kid, key: await importJWK(newest.privateJwk, 'EdDSA') };
    this.#jwks = {
      keys: rows.map((r) => ({ ...publicOnly(r.publicJwk), kid: r.kid, alg: 'EdDSA', use: 'sig' })),
    };
  }

  jwks(): JSONWebKeySet {
    return this.#jwks;
  }

  async sign(claims: AccessClaims, ttlSeconds: number): Promise<string> {
    const current = this.#current;
    if (!current) throw new Error('signing keys not loaded');
    const { sub, ...rest } = claims;
    return new SignJWT({ ...rest })
      .setProtectedHeader({ alg: 'EdDSA', kid: current.kid, typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .setJti(randomUUID())
      .sign(current.key);
  }
}

function publicOnly(jwk: JWK): JWK {
  const { kty, crv, x } = jwk;
  return { kty, crv, x };
}
