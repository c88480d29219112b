import { randomUUID } from 'node:crypto';
import type { TestPlatform } from '@pcf/kernel/testing';

export const PASSWORD = 'correct-horse-battery';
export const ADMIN = { email: 'root@platform.test', password: 'root-password-123' };
export const ADMIN_ENV = { PCF_ADMIN_EMAIL: ADMIN.email, PCF_ADMIN_PASSWORD: ADMIN.password };

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string | null; handle: string; role: string; partnerId: string | null };
}

export async function signup(t: TestPlatform, name = 'Fan'): Promise<Session & { email: string }> {
  const email = `${name.toLowerCase().replace(/\W/g, '')}-${randomUUID().slice(0, 8)}@example.com`;
  const response = await t.request({
    method: 'POST',
    url: '/v1/auth/signup',
    body: { email, password: PASSWORD, displayName: name },
  });
  if (response.statusCode !== 201) throw new Error(`signup failed: ${response.body}`);
  return { ...(response.json() as Session), email };
}

export async function login(t: TestPlatform, email: string, password: string): Promise<Session> {
  const response = await t.request({ method: 'POST', url: '/v1/auth/login', body: { email, password } });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
  return response.json() as Session;
}

/** A partner with its admin signed in, created by the platform admin. */
export async function createPartner(t: TestPlatform, slug = `club-${randomUUID().slice(0, 6)}`) {
  const admin = await login(t, ADMIN.email, ADMIN.password);
  const adminEmail = `admin-${slug}@example.com`;
  const created = await t.request({
    method: 'POST',
    url: '/v1/partners',
    token: admin.accessToken,
    body: {
      name: `Club ${slug}`,
      slug,
      admin: { email: adminEmail, password: PASSWORD, displayName: 'Club Admin' },
    },
  });
  if (created.statusCode !== 201) throw new Error(`partner creation failed: ${created.body}`);
  const partner = created.json().partner as { id: string; slug: string };
  return { partner, admin: await login(t, adminEmail, PASSWORD) };
}

export async function createKey(
  t: TestPlatform,
  partnerId: string,
  token: string,
  body: Record<string, unknown>,
): Promise<{ id: string; publishableKey: string | null; secret: string | null }> {
  const response = await t.request({ method: 'POST', url: `/v1/partners/${partnerId}/keys`, token, body });
  if (response.statusCode !== 201) throw new Error(`key creation failed: ${response.body}`);
  return response.json();
}
