import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SERVICE_NAMES } from '../src/config.ts';

describe('loadConfig', () => {
  it('has working defaults for the embedded one-process mode', () => {
    const config = loadConfig({}, []);
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.services).toEqual([...SERVICE_NAMES]);
    expect(config.gateway).toBe(false);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.demo).toBe(true);
    expect(config.accessTokenTtlSeconds).toBe(900);
    expect(config.serviceToken.length).toBeGreaterThanOrEqual(32);
  });

  it('turns demo data off against a DATABASE_URL unless asked', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://localhost/x' }, []).demo).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://localhost/x', PCF_DEMO: '1' }, []).demo).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer from 0 to 65535 (got "abc")'],
    [{ PORT: '70000' }, 'PORT must be an integer from 0 to 65535'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must be a URL starting with postgres: or postgresql:'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL must be a URL'],
    [{ PCF_REDIS_PREFIX: 'has space' }, 'PCF_REDIS_PREFIX must be 1 to 64 letters'],
    [{ PCF_DEMO: 'maybe' }, 'PCF_DEMO must be a boolean'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ PCF_ACCESS_TOKEN_TTL: '3600' }, 'PCF_ACCESS_TOKEN_TTL must be an integer from 30 to 900'],
    [{ PCF_SERVICES: 'identity,payments' }, 'PCF_SERVICES / --services must list services'],
    [{ PCF_SERVICES: 'identity' }, 'PCF_SERVICE_TOKEN is required'],
    [{ PCF_SERVICE_URLS: 'wallet=ftp://x', PCF_SERVICE_TOKEN: 'x'.repeat(32) }, 'PCF_SERVICE_URLS must be'],
    [{ PCF_SERVICE_TOKEN: 'short' }, 'PCF_SERVICE_TOKEN must be at least 32 characters'],
  ])('rejects %j with one clear line', (env, message) => {
    expect(() => loadConfig(env, [])).toThrow(ConfigError);
    expect(() => loadConfig(env, [])).toThrow(message);
  });

  it('reads --services before PCF_SERVICES and parses service URLs', () => {
    const config = loadConfig(
      {
        PCF_SERVICES: 'wallet',
        PCF_SERVICE_TOKEN: 't'.repeat(40),
        PCF_SERVICE_URLS: 'identity=http://127.0.0.1:8081/, wallet=http://127.0.0.1:8082',
      },
      ['--services=gateway'],
    );
    expect(config.gateway).toBe(true);
    expect(config.services).toEqual([]);
    expect(config.serviceUrls).toEqual({
      identity: 'http://127.0.0.1:8081',
      wallet: 'http://127.0.0.1:8082',
    });
  });
});
