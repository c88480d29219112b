import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { defineService } from '../src/define-service.ts';
import { strict, Uuid } from '../src/http/schemas.ts';
import { Ports } from '../src/platform/ports.ts';
import { declarePort, type PortOf } from '../src/port/declare.ts';

const walletLike = declarePort('wallet', {
  balance: {
    method: 'POST',
    path: '/balance',
    input: Type.Object({ userId: Uuid }, strict),
    args: ['userId'],
    output: Type.String(),
  },
});

const base = { migrations: new URL('file:///nowhere'), routePrefixes: [] };
const walletModule = defineService({
  ...base,
  name: 'wallet',
  port: walletLike,
  dependsOn: ['identity'],
  create: async () => ({ port: { balance: async () => '0' }, routes: async () => {} }),
});
const shopModule = (dependsOn: ('identity' | 'wallet')[]) =>
  defineService({ ...base, name: 'shop', dependsOn, create: async () => ({ routes: async () => {} }) });

const token = 'x'.repeat(32);
const split = (urls = '') =>
  loadConfig(
    { PCF_SERVICES: 'shop', PCF_SERVICE_TOKEN: token, PCF_SERVICE_URLS: urls, LOG_LEVEL: 'silent' },
    [],
  );

describe('Ports: dependencies and in-process bindings', () => {
  it('refuses a process missing a service another one calls, naming both and PCF_SERVICE_URLS', () => {
    const shop = shopModule(['identity', 'wallet']);
    const ports = new Ports(split('identity=http://127.0.0.1:9'), [shop]);
    expect(() => ports.checkDependencies([shop])).toThrow(ConfigError);
    expect(() => ports.checkDependencies([shop])).toThrow(
      'the shop service calls wallet, which does not run in this process: add wallet=<url> to PCF_SERVICE_URLS',
    );
    expect(() => ports.checkDependencies([shop, walletModule])).not.toThrow();
    expect(() =>
      new Ports(split('identity=http://a:1,wallet=http://b:1'), [shop]).checkDependencies([shop]),
    ).not.toThrow();
  });

  it('gives a service only the ports it declared', () => {
    const ports = new Ports(split('wallet=http://127.0.0.1:9'), [walletModule]);
    const implementation = { balance: async (userId: string) => `balance of ${userId}` };
    ports.setLocal('wallet', implementation);
    expect(() => ports.for(shopModule(['identity'])).get('wallet')).toThrow(
      'the shop service calls wallet without listing it in its dependsOn',
    );
    expect(ports.for(shopModule(['wallet'])).get('wallet')).toBeDefined();
  });

  it('validates in-process calls against the declaration and exposes only declared methods', async () => {
    const ports = new Ports(split(), [walletModule]);
    const implementation = {
      balance: async (userId: string) => `balance of ${userId}`,
      internalSweep: async () => 'not for other services',
    };
    ports.setLocal('wallet', implementation);
    const port = ports.get<PortOf<typeof walletLike> & { internalSweep?: unknown }>('wallet');
    const id = '11111111-1111-4111-8111-111111111111';
    expect(await port.balance(id)).toBe(`balance of ${id}`);
    await expect(port.balance('not-a-uuid')).rejects.toMatchObject({
      code: 'validation_failed',
      extra: { errors: [{ field: 'userId', message: 'must match format "uuid"' }] },
    });
    expect(port.internalSweep).toBeUndefined();
  });
});
