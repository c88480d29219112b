import type { FanTokens, Session, SessionPeers } from './session.ts';

/** The subset of the Web Locks API the share uses (navigator.locks). */
export interface LockManagerLike {
  request(name: string, callback: () => Promise<unknown>): Promise<unknown>;
}

/** What the share needs from the page; tests pass their own. */
export interface ShareEnvironment {
  channel: (name: string) => BroadcastChannel;
  locks: LockManagerLike | undefined;
}

type ShareMessage =
  | { type: 'join' }
  | { type: 'tokens'; tokens: FanTokens }
  | { type: 'signedOut' }
  | { type: 'renew'; stale: string | null };

/** How long a widget that does not renew waits for the one that does. */
export const RENEWAL_WAIT_MS = 5_000;
const GROUP = /^[A-Za-z0-9_-]{8,64}$/;

function readMessage(value: unknown): ShareMessage | null {
  if (typeof value !== 'object' || value === null) return null;
  const message = value as Record<string, unknown>;
  if (message.type === 'join' || message.type === 'signedOut') return { type: message.type };
  if (message.type === 'renew') {
    return { type: 'renew', stale: typeof message.stale === 'string' ? message.stale : null };
  }
  const tokens = message.tokens as Record<string, unknown> | undefined;
  if (
    message.type === 'tokens' &&
    typeof tokens?.accessToken === 'string' &&
    typeof tokens.refreshToken === 'string'
  ) {
    return { type: 'tokens', tokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken } };
  }
  return null;
}

/** The channel of the widgets of one SDK instance: its publishable key and the group id the SDK put in the URL. */
export function shareChannelName(publishableKey: string, group: string | null): string | null {
  return group !== null && GROUP.test(group) ? `pcf-session:${publishableKey}:${group}` : null;
}

const defaultEnvironment = (): ShareEnvironment | null =>
  typeof BroadcastChannel === 'function'
    ? {
        channel: (name) => new BroadcastChannel(name),
        locks: (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks,
      }
    : null;

/**
 * Shares the fan's own sign-in between the widgets of one SDK instance: they are same-origin frames of one page,
 * so a BroadcastChannel named after the key and the instance reaches them all and nothing else (the browser
 * partitions it by the top-level site). A sign-in, a renewal or a sign-out in one widget is applied by all.
 *
 * The refresh token rotates at every use and a reused one ends the whole session on the server, so exactly one
 * widget renews: the holder of a Web Lock named after the channel, which the browser hands to another widget when
 * the holder's frame goes away. The others keep no timer; on a 401 they ask the holder over the channel.
 * Without the Web Locks API (an insecure context) nothing is shared: each widget keeps its own sign-in.
 *
 * Returns a function that leaves the channel.
 */
export function shareSession(
  session: Session,
  channelName: string,
  environment: ShareEnvironment | null = defaultEnvironment(),
): () => void {
  if (!environment?.locks) return () => undefined;
  const channel = environment.channel(channelName);
  let renews = false;
  let left = false;
  let releaseLock: () => void = () => undefined;
  const waiting = new Set<() => void>();
  const post = (message: ShareMessage) => {
    if (!left) channel.postMessage(message);
  };

  const peers: SessionPeers = {
    publish: (tokens) => post({ type: 'tokens', tokens }),
    signedOut: () => post({ type: 'signedOut' }),
    renewsTokens: () => renews,
    askRenewal: (stale) =>
      new Promise<boolean>((resolve) => {
        const done = (arrived: boolean) => {
          clearTimeout(timer);
          waiting.delete(onTokens);
          resolve(arrived);
        };
        const onTokens = () => done(true);
        const timer = setTimeout(() => done(false), RENEWAL_WAIT_MS);
        waiting.add(onTokens);
        post({ type: 'renew', stale });
      }),
  };
  session.sharedWith(peers);

  channel.onmessage = (event: MessageEvent) => {
    const message = readMessage(event.data);
    if (message === null) return;
    if (message.type === 'tokens') {
      session.adopt(message.tokens);
      for (const wake of [...waiting]) wake();
    } else if (message.type === 'signedOut') {
      session.adoptSignOut();
    } else if (message.type === 'join') {
      const tokens = session.fanTokens;
      if (tokens) post({ type: 'tokens', tokens });
    } else if (message.type === 'renew' && renews) {
      // Several widgets may ask at once after one 401: renew once, then hand out what is fresher than theirs.
      const tokens = session.fanTokens;
      if (tokens && tokens.accessToken !== message.stale) post({ type: 'tokens', tokens });
      else void session.renew();
    }
  };

  void environment.locks
    .request(`${channelName}:renewal`, () => {
      if (left) return Promise.resolve();
      renews = true;
      session.resumeRenewal();
      return new Promise<void>((resolve) => {
        releaseLock = resolve;
      });
    })
    .catch(() => undefined);
  post({ type: 'join' });

  return () => {
    left = true;
    renews = false;
    releaseLock();
    channel.close();
  };
}
