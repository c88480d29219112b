import { describe, expect, it } from 'vitest';
import { acceptInbound, type InboundContext } from '../src/inbound.ts';
import { envelope } from '../src/protocol.ts';

const parent = { name: 'parent window' };
const host = 'https://club.example';
const context = (hostOrigin: string | null): InboundContext => ({
  widget: 'wallet',
  parent,
  allowedOrigins: new Set([host, 'https://widgets.example']),
  hostOrigin,
});
const hello = envelope('wallet', 'PCF_HELLO', { instanceId: 'a' });

describe('acceptInbound', () => {
  it('accepts a PCF_HELLO from the parent window on an allowed origin', () => {
    expect(acceptInbound({ data: hello, origin: host, source: parent }, context(null))).toEqual(hello);
  });

  it('ignores a PCF_HELLO from an origin the key does not allow', () => {
    expect(
      acceptInbound({ data: hello, origin: 'https://evil.example', source: parent }, context(null)),
    ).toBeNull();
  });

  it('ignores messages from another window than the parent', () => {
    expect(acceptInbound({ data: hello, origin: host, source: { other: true } }, context(null))).toBeNull();
    expect(acceptInbound({ data: hello, origin: host, source: null }, context(null))).toBeNull();
  });

  it('ignores anything that is not an envelope of this protocol', () => {
    for (const data of [
      null,
      'PCF_HELLO',
      { ...hello, ns: 'other' },
      { ...hello, v: 2 },
      { ...hello, widget: 'unknown' },
      { ns: 'pcf', v: 1, widget: 'wallet', type: 'PCF_HELLO' },
    ]) {
      expect(acceptInbound({ data, origin: host, source: parent }, context(null))).toBeNull();
    }
  });

  it('ignores messages addressed to another widget', () => {
    const forShop = envelope('shop', 'PCF_HELLO', {});
    expect(acceptInbound({ data: forShop, origin: host, source: parent }, context(null))).toBeNull();
  });

  it('accepts other messages only from the origin fixed by the handshake', () => {
    const request = envelope('wallet', 'PCF_REQUEST', { method: 'wallet.getBalance' }, 'r1');
    expect(acceptInbound({ data: request, origin: host, source: parent }, context(null))).toBeNull();
    expect(acceptInbound({ data: request, origin: host, source: parent }, context(host))).toEqual(request);
    expect(
      acceptInbound({ data: request, origin: 'https://widgets.example', source: parent }, context(host)),
    ).toBeNull();
  });
});
