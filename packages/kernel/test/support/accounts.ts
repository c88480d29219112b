import { randomUUID } from 'node:crypto';
import type { PlatformClient } from './platform.ts';
import { TEST_ADMIN } from './platform.ts';

/** The password every fixture fan and partner admin signs up with (strong enough for the sign-up rules). */
export const FAN_PASSWORD = 'correct-horse-battery';

/** The user in identity's token answers (`POST /v1/auth/signup`, `/login`). */
export interface SessionUser {
  id: string;
  email: string | null;
  displayName: string;
  handle: string;
  role: string;
  partnerId: string | null;
  [field: string]: unknown;
}

/** Someone signed in through the API: who they are and their tokens. */
export interface Account {
  id: string;
  email: string;
  handle: string;
  /** The access token (`Authorization: Bearer`). */
  token: string;
  refreshToken: string;
  user: SessionUser;
}

/** A fan who signed up through the API; `password` signs them in again. */
export interface Fan extends Account {
  password: string;
}

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  user: SessionUser;
}

function account(email: string, pair: TokenPair): Account {
  return {
    id: pair.user.id,
    email,
    handle: pair.user.handle,
    token: pair.accessToken,
    refreshToken: pair.refreshToken,
    user: pair.user,
  };
}

/**
 * Signs a new fan up through `POST /v1/auth/signup` (a unique email derived from `name` unless given).
 * Throws ApiError when the platform refuses.
 */
export async function newFan(
  p: PlatformClient,
  name = 'Fan',
  options: { email?: string; password?: string } = {},
): Promise<Fan> {
  const email =
    options.email ??
    `${name.toLowerCase().replace(/\W/g, '') || 'fan'}-${randomUUID().slice(0, 8)}@example.com`;
  const password = options.password ?? FAN_PASSWORD;
  const pair = await p.api.json<TokenPair>({
    method: 'POST',
    url: '/v1/auth/signup',
    body: { email, password, displayName: name },
    expect: 201,
  });
  return { ...account(email, pair), password };
}

/** Signs in through `POST /v1/auth/login`. Throws ApiError when refused. */
export async function login(p: PlatformClient, email: string, password: string): Promise<Account> {
  const pair = await p.api.json<TokenPair>({
    method: 'POST',
    url: '/v1/auth/login',
    body: { email, password },
    expect: 200,
  });
  return account(email, pair);
}

/** Signs the platform admin in (`TEST_ADMIN`, set by `startFixturePlatform`). */
export function adminLogin(p: PlatformClient): Promise<Account> {
  return login(p, TEST_ADMIN.email, TEST_ADMIN.password);
}
