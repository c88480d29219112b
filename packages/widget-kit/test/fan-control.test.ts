import { signal } from '@preact/signals';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../src/api.ts';
import type { IncomingCall } from '../src/bridge.ts';
import { confirmWithFan } from '../src/confirm-with-fan.ts';
import { FanPrompts, type FanQuestion, PROMPT_ARM_MS } from '../src/fan-prompts.ts';
import { HostConsent } from '../src/host-consent.ts';
import { ApiError } from '../src/problem.ts';
import { FAN_PROMPT_TIMEOUT_MS } from '../src/protocol.ts';
import type { PublishableKeyInfo } from '../src/publishable-key.ts';
import type { Session, TokenSource } from '../src/session.ts';

const question: FanQuestion = {
  kind: 'payment',
  title: 'Confirm',
  intro: 'Club asks',
  rows: [{ label: 'Amount', value: '10 €' }],
  confirmLabel: 'Pay',
  cancelLabel: 'Cancel',
};
const trusted = { isTrusted: true };
const jwt = (sub: string) =>
  `h.${Buffer.from(JSON.stringify({ sub, exp: Math.floor(Date.now() / 1000) + 900 })).toString('base64url')}.s`;
const key: PublishableKeyInfo = {
  partnerId: '7f1c3a52-1111-4222-8333-944455556666',
  partnerName: 'AS Monaco',
  partnerSlug: 'monaco',
  mode: 'test',
  allowedOrigins: ['https://club.example'],
};

function fakeSession(source: TokenSource = 'fan', sub = 'fan-1') {
  const session = { token: signal<string | null>(jwt(sub)), tokenSource: source as TokenSource | null };
  return session as typeof session & Session;
}

function fakeCall(id = 'r1') {
  const pending = vi.fn<() => void>();
  const call: IncomingCall = { id, origin: 'https://club.example', pending };
  return Object.assign(call, { pending });
}

const notFound = () =>
  new ApiError({
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail: 'no',
    code: 'consent_not_found',
    errors: [],
  });

describe('FanPrompts', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('resolves true only on a trusted confirm once armed; synthetic or early clicks do nothing', async () => {
    const prompts = new FanPrompts();
    const answer = prompts.ask(question);
    expect(prompts.current.value).toMatchObject({ kind: 'payment', armed: false });
    expect(prompts.confirm(trusted)).toBe(false);
    vi.advanceTimersByTime(PROMPT_ARM_MS);
    expect(prompts.current.value?.armed).toBe(true);
    expect(prompts.confirm({ isTrusted: false })).toBe(false);
    expect(prompts.busy).toBe(true);
    expect(prompts.confirm(trusted)).toBe(true);
    await expect(answer).resolves.toBe(true);
    expect(prompts.current.value).toBeNull();
    expect(prompts.busy).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('asks one question at a time: another one while it is open throws PCF_BUSY', async () => {
    const prompts = new FanPrompts();
    const first = prompts.ask(question);
    expect(() => prompts.ask({ ...question, kind: 'checkout' })).toThrow(
      expect.objectContaining({ code: 'PCF_BUSY' }),
    );
    expect(prompts.current.value?.kind).toBe('payment');
    prompts.cancel();
    await expect(first).resolves.toBe(false);
    const second = prompts.ask(question);
    prompts.cancel();
    await expect(second).resolves.toBe(false);
  });

  it('gives up after 120 s: the question closes and resolves false', async () => {
    const prompts = new FanPrompts();
    const answer = prompts.ask(question);
    vi.advanceTimersByTime(FAN_PROMPT_TIMEOUT_MS - 1);
    expect(prompts.busy).toBe(true);
    vi.advanceTimersByTime(1);
    await expect(answer).resolves.toBe(false);
    expect(prompts.current.value).toBeNull();
    expect(prompts.confirm(trusted)).toBe(false);
  });
});

describe('confirmWithFan', () => {
  const context = (session = fakeSession()) => ({ prompts: new FanPrompts(60_000, 0), session, key });

  it('tells the host the fan is asked, shows who asks, and resolves on confirm (telling the host again)', async () => {
    const ctx = context();
    const call = fakeCall();
    const describe = vi.fn(() => question);
    const done = confirmWithFan(ctx, call, describe);
    await vi.waitFor(() => expect(ctx.prompts.current.value).not.toBeNull());
    expect(describe).toHaveBeenCalledWith({ partner: 'AS Monaco', origin: 'https://club.example' });
    expect(call.pending).toHaveBeenCalledTimes(1);
    ctx.prompts.confirm(trusted);
    await done;
    expect(call.pending).toHaveBeenCalledTimes(2);
  });

  it('rejects PCF_USER_CANCELLED when the fan cancels, and when the signed-in fan changed meanwhile', async () => {
    const ctx = context();
    const cancelled = confirmWithFan(ctx, fakeCall(), () => question);
    await vi.waitFor(() => expect(ctx.prompts.current.value).not.toBeNull());
    ctx.prompts.cancel();
    await expect(cancelled).rejects.toMatchObject({ code: 'PCF_USER_CANCELLED' });

    const swapped = confirmWithFan(ctx, fakeCall(), () => question);
    await vi.waitFor(() => expect(ctx.prompts.current.value).not.toBeNull());
    ctx.session.token.value = jwt('someone-else');
    ctx.prompts.confirm(trusted);
    await expect(swapped).rejects.toMatchObject({ code: 'PCF_USER_CANCELLED' });
  });

  it('refuses at once (PCF_BUSY, no PCF_PENDING) while another question is open', async () => {
    const ctx = context();
    const first = confirmWithFan(ctx, fakeCall('a'), () => question);
    await vi.waitFor(() => expect(ctx.prompts.current.value).not.toBeNull());
    const call = fakeCall('b');
    await expect(confirmWithFan(ctx, call, () => question)).rejects.toMatchObject({ code: 'PCF_BUSY' });
    expect(call.pending).not.toHaveBeenCalled();
    ctx.prompts.cancel();
    await expect(first).rejects.toMatchObject({ code: 'PCF_USER_CANCELLED' });
  });
});

describe('HostConsent', () => {
  function setup(source: TokenSource, consented: boolean) {
    let stored = consented;
    const api = {
      get: vi.fn(async () => {
        if (!stored) throw notFound();
        return { partnerId: key.partnerId };
      }),
      call: vi.fn(async (method: string) => {
        if (method === 'PUT') stored = true;
        if (method === 'DELETE') stored = false;
        return {};
      }),
    };
    const prompts = new FanPrompts(60_000, 0);
    const session = fakeSession(source);
    const consent = new HostConsent({ session, api: api as unknown as ApiClient, key, prompts });
    return { api, prompts, session, consent };
  }
  const path = `/v1/auth/consents/${key.partnerId}`;

  it('a partner-backend session is consented by construction: no question, no API call', async () => {
    const { api, prompts, consent } = setup('host', false);
    await consent.requireForHost(fakeCall());
    expect(consent.granted.value).toBe(true);
    expect(consent.hostMayRead).toBe(true);
    expect(api.get).not.toHaveBeenCalled();
    expect(prompts.current.value).toBeNull();
  });

  it('a consent on record answers without a question (read from the API at each host read)', async () => {
    const { api, prompts, consent } = setup('fan', true);
    await vi.waitFor(() => expect(consent.granted.value).toBe(true));
    await consent.requireForHost(fakeCall());
    await consent.requireForHost(fakeCall());
    expect(api.get).toHaveBeenCalledTimes(3);
    expect(api.get).toHaveBeenCalledWith(path);
    expect(prompts.current.value).toBeNull();
  });

  it('asks once for reads arriving together; Allow stores the grant with the page origin', async () => {
    const { api, prompts, consent } = setup('fan', false);
    await vi.waitFor(() => expect(consent.granted.value).toBe(false));
    expect(consent.hostMayRead).toBe(false);
    const [a, b] = [fakeCall('a'), fakeCall('b')];
    const reads = [consent.requireForHost(a), consent.requireForHost(b)];
    await vi.waitFor(() => expect(prompts.current.value?.kind).toBe('consent'));
    await vi.waitFor(() => expect(b.pending).toHaveBeenCalled());
    expect(a.pending).toHaveBeenCalled();
    expect(prompts.current.value?.intro).toContain('AS Monaco');
    prompts.confirm(trusted);
    await Promise.all(reads);
    expect(api.call).toHaveBeenCalledExactlyOnceWith('PUT', path, { origin: 'https://club.example' });
    expect(consent.granted.value).toBe(true);
  });

  it('Deny rejects PCF_USER_CANCELLED and stores nothing; revoke() deletes the grant', async () => {
    const { api, prompts, consent } = setup('fan', false);
    const read = consent.requireForHost(fakeCall());
    await vi.waitFor(() => expect(prompts.current.value).not.toBeNull());
    prompts.cancel();
    await expect(read).rejects.toMatchObject({ code: 'PCF_USER_CANCELLED' });
    expect(api.call).not.toHaveBeenCalled();

    const again = consent.requireForHost(fakeCall());
    await vi.waitFor(() => expect(prompts.current.value).not.toBeNull());
    prompts.confirm(trusted);
    await again;
    await consent.revoke();
    expect(api.call).toHaveBeenLastCalledWith('DELETE', path);
    expect(consent.granted.value).toBe(false);
  });
});
