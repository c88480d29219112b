import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Session } from '../src/session.ts';
import { type LockManagerLike, shareChannelName, shareSession } from '../src/session-share.ts';

const jwt = (sub: string, n: number) =>
  `h.${Buffer.from(JSON.stringify({ sub, n, exp: Math.floor(Date.now() / 1000) + 900 })).toString('base64url')}.s`;

/** Web Locks as the browser grants them: one holder per name, the next waiter when the holder lets go. */
function fakeLocks(): LockManagerLike {
  const queues = new Map<string, (() => void)[]>();
  return {
    request(name, callback) {
      return new Promise((resolve, reject) => {
        const run = () =>
          callback()
            .then(resolve, reject)
            .finally(() => {
              const queue = queues.get(name) ?? [];
              queue.shift();
              queue[0]?.();
            });
        const queue = queues.get(name) ?? [];
        queues.set(name, queue);
        queue.push(run);
        if (queue.length === 1) run();
      });
    },
  };
}

const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));
const leaves: (() => void)[] = [];

/** The API as the sessions see it: login, refresh (rotating), logout; every call recorded. */
function fakeApi() {
  const calls: string[] = [];
  let n = 0;
  vi.stubGlobal('fetch', async (path: string) => {
    calls.push(path);
    n += 1;
    const pair = { accessToken: jwt('fan-1', n), refreshToken: `refresh-${n}`, expiresIn: 900 };
    const body = path === '/v1/auth/logout' ? null : pair;
    return new Response(body ? JSON.stringify(body) : null, {
      status: body ? 200 : 204,
      headers: { 'content-type': 'application/json' },
    });
  });
  return calls;
}

function widgets(count: number, locks: LockManagerLike | undefined) {
  const name = `pcf-session:pk_test_x:${randomUUID()}`;
  return Array.from({ length: count }, () => {
    const session = new Session(async () => null);
    leaves.push(shareSession(session, name, { channel: (channel) => new BroadcastChannel(channel), locks }));
    return session;
  });
}

afterEach(() => {
  for (const leave of leaves.splice(0)) leave();
  vi.unstubAllGlobals();
});

describe('one sign-in per page (session-share)', () => {
  it('a sign-in in one widget signs in the others; a sign-out in one signs out all (one logout call)', async () => {
    const calls = fakeApi();
    const [wallet, shop] = widgets(2, fakeLocks());
    await wallet!.signIn('fan@example.test', 'password');
    await tick();
    expect(shop!.token.value).toBe(wallet!.token.value);
    expect(shop!.tokenSource).toBe('fan');

    await shop!.signOut();
    await tick();
    expect(wallet!.token.value).toBeNull();
    expect(calls.filter((path) => path === '/v1/auth/logout')).toHaveLength(1);
  });

  it('a widget that joins later gets the session of the page', async () => {
    fakeApi();
    const name = `pcf-session:pk_test_x:${randomUUID()}`;
    const locks = fakeLocks();
    const env = { channel: (channel: string) => new BroadcastChannel(channel), locks };
    const first = new Session(async () => null);
    leaves.push(shareSession(first, name, env));
    await first.signIn('fan@example.test', 'password');
    const late = new Session(async () => null);
    leaves.push(shareSession(late, name, env));
    await tick();
    expect(late.token.value).toBe(first.token.value);
  });

  it('only one widget renews: the rotated refresh token is never used twice', async () => {
    const calls = fakeApi();
    const [a, b, c] = widgets(3, fakeLocks());
    await tick();
    await b!.signIn('fan@example.test', 'password');
    await tick();
    const renewed = await Promise.all([a!.renew(), b!.renew(), c!.renew()]);
    await tick();
    expect(calls.filter((path) => path === '/v1/auth/refresh')).toHaveLength(1);
    expect(new Set(renewed).size).toBe(1);
    expect(renewed[0]).not.toBeNull();
    expect(a!.token.value).toBe(renewed[0]);
    expect(c!.token.value).toBe(renewed[0]);
  });

  it('a host (partner-backend) session is not replaced by another widget’s sign-in', async () => {
    fakeApi();
    const [wallet, shop] = widgets(2, fakeLocks());
    shop!.useHostToken(jwt('partner-user', 0));
    await wallet!.signIn('fan@example.test', 'password');
    await tick();
    expect(shop!.tokenSource).toBe('host');
    expect(shop!.viaHost.value).toBe(true);
  });

  it('shares nothing without the Web Locks API (an insecure context)', async () => {
    fakeApi();
    const [wallet, shop] = widgets(2, undefined);
    await wallet!.signIn('fan@example.test', 'password');
    await tick();
    expect(shop!.token.value).toBeNull();
  });

  it('names the channel after the key and the SDK instance; no group, no channel', () => {
    expect(shareChannelName('pk_test_monacoDemo2026', 'a1b2c3d4e5f6a7b8c9d0e1f2')).toBe(
      'pcf-session:pk_test_monacoDemo2026:a1b2c3d4e5f6a7b8c9d0e1f2',
    );
    expect(shareChannelName('pk_test_monacoDemo2026', null)).toBeNull();
    expect(shareChannelName('pk_test_monacoDemo2026', 'x')).toBeNull();
  });
});
