import { describe, expect, it } from 'vitest';
import { SessionCheck, type SessionStatusSource } from '../src/auth/session-check.ts';
import { UnavailableError } from '../src/errors.ts';

/** A fake identity: sessions and their liveness, with a count of lookups and an optional outage. */
function fakeIdentity(live: Set<string>) {
  const source = {
    calls: 0,
    down: false as boolean,
    async isSessionActive(sessionId: string) {
      source.calls++;
      if (source.down) throw new Error('identity unreachable');
      await new Promise((resolve) => setImmediate(resolve));
      return live.has(sessionId);
    },
  } satisfies SessionStatusSource & { calls: number; down: boolean };
  return source;
}

describe('SessionCheck', () => {
  it('asks identity once per session per window, and again after it', async () => {
    let now = 1_000_000;
    const live = new Set(['s1']);
    const identity = fakeIdentity(live);
    const check = new SessionCheck(identity, 5_000, () => now);
    expect(await check.isActive('s1')).toBe(true);
    expect(await check.isActive('s1')).toBe(true);
    expect(identity.calls).toBe(1);
    live.delete('s1');
    now += 4_999;
    expect(await check.isActive('s1')).toBe(true);
    now += 1;
    expect(await check.isActive('s1')).toBe(false);
    expect(identity.calls).toBe(2);
  });

  it('shares one lookup between concurrent requests of a session', async () => {
    const identity = fakeIdentity(new Set(['s1']));
    const check = new SessionCheck(identity, 5_000);
    const answers = await Promise.all(Array.from({ length: 20 }, () => check.isActive('s1')));
    expect(answers.every(Boolean)).toBe(true);
    expect(identity.calls).toBe(1);
  });

  it('remembers an ended session without asking again (it never comes back)', async () => {
    let now = 0;
    const live = new Set<string>();
    const identity = fakeIdentity(live);
    const check = new SessionCheck(identity, 5_000, () => now);
    expect(await check.isActive('gone')).toBe(false);
    live.add('gone');
    now += 60_000;
    expect(await check.isActive('gone')).toBe(false);
    expect(identity.calls).toBe(1);
  });

  it('asks on every request with a zero window', async () => {
    const identity = fakeIdentity(new Set(['s1']));
    const check = new SessionCheck(identity, 0);
    await check.isActive('s1');
    await check.isActive('s1');
    expect(identity.calls).toBe(2);
  });

  it('serves a recently active session while identity is down, then answers 503', async () => {
    let now = 0;
    const identity = fakeIdentity(new Set(['s1']));
    const check = new SessionCheck(identity, 5_000, () => now);
    expect(await check.isActive('s1')).toBe(true);
    identity.down = true;
    now += 30_000;
    expect(await check.isActive('s1')).toBe(true);
    now += 31_000;
    await expect(check.isActive('s1')).rejects.toBeInstanceOf(UnavailableError);
    await expect(check.isActive('never-seen')).rejects.toMatchObject({ code: 'session_check_unavailable' });
  });
});
