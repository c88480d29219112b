import { envelope } from '@pcf/widget-kit/protocol';
import { describe, expect, it } from 'vitest';
import { acceptMessage } from '../src/message-filter.ts';

const frameWindow = { name: 'our iframe' };
const origin = 'http://localhost:8080';
const good = envelope('wallet', 'WALLET_BALANCE_UPDATED', { balance: '10.00', currency: 'EUR', assets: [] });

describe('acceptMessage', () => {
  it('accepts a valid envelope from our iframe window and the widget origin', () => {
    expect(acceptMessage({ source: frameWindow, origin, data: good }, frameWindow, origin, 'wallet')).toBe(
      good,
    );
  });

  it.each([
    ['another window', { source: {}, origin, data: good }],
    ['another origin', { source: frameWindow, origin: 'http://evil.example', data: good }],
    ['the "null" origin', { source: frameWindow, origin: 'null', data: good }],
    ['a wrong namespace', { source: frameWindow, origin, data: { ...good, ns: 'other' } }],
    ['another protocol version', { source: frameWindow, origin, data: { ...good, v: 2 } }],
    ['another widget', { source: frameWindow, origin, data: { ...good, widget: 'shop' } }],
    ['an unknown widget', { source: frameWindow, origin, data: { ...good, widget: 'bank' } }],
    ['no data', { source: frameWindow, origin, data: { ns: 'pcf', v: 1, widget: 'wallet', type: 'X' } }],
    ['a string', { source: frameWindow, origin, data: JSON.stringify(good) }],
    ['null', { source: frameWindow, origin, data: null }],
  ])('ignores a message from %s', (_, event) => {
    expect(acceptMessage(event, frameWindow, origin, 'wallet')).toBeNull();
  });

  it('ignores everything once the iframe is gone (contentWindow null)', () => {
    expect(acceptMessage({ source: null, origin, data: good }, null, origin, 'wallet')).toBeNull();
  });
});
