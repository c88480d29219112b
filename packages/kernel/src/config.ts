import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import proxyAddr from '@fastify/proxy-addr';

export const SERVICE_NAMES = ['identity', 'wallet', 'shop', 'tickets', 'esim', 'social', 'ai'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Where the embedded database (PGlite) keeps its files inside the data directory. */
export function embeddedDatabaseDir(config: Pick<Config, 'dataDir'>): string {
  return join(config.dataDir, 'pglite');
}

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolMax: number;
  redisUrl: string | undefined;
  /** Namespace of every Redis key (streams, fan-out channels, rate-limit counters): platforms may share a Redis. */
  redisPrefix: string;
  /** Services run in this process; empty in gateway mode. */
  services: ServiceName[];
  gateway: boolean;
  /** Services run in separate processes (gateway, a subset of services, or PCF_SERVICE_URLS): /internal is served. */
  split: boolean;
  serviceUrls: Partial<Record<ServiceName, string>>;
  serviceToken: string;
  /** Bearer token that /metrics requires; undefined leaves /metrics open (see docs/operations.md). */
  metricsToken: string | undefined;
  demo: boolean;
  demoPassword: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Proxies whose X-Forwarded-* headers are believed (PCF_TRUST_PROXY): IP addresses, CIDRs or proxy-addr's
   * named ranges (loopback, linklocal, uniquelocal), given to Fastify's trustProxy; false trusts none.
   */
  trustProxy: false | string[];
  bodyLimit: number;
  rateLimitPerIp: number;
  rateLimitPerUser: number;
  /**
   * Load shedding: mean event-loop delay (ms, over the last second) above which requests get 503 `overloaded`;
   * 0 (default) turns it off — PGlite's start blocks the loop for seconds, which would refuse the first requests.
   */
  maxEventLoopDelayMs: number;
  /** Load shedding: heap in use (bytes) above which requests get 503 `overloaded`; 0 turns it off. */
  maxHeapUsedBytes: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  widgetSessionTtlSeconds: number;
  /** How long an "active" answer about a token's session is trusted before identity is asked again (0: always ask). */
  sessionCheckSeconds: number;
  shutdownTimeoutMs: number;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  /** Wallet: price of one unit of each asset in EUR, the default price feed ("config rates table"). */
  pricesEur: Record<string, string>;
  /** Wallet: how long a payment hold reserves funds before it expires. */
  holdTtlSeconds: number;
  /** Wallet: HMAC secret shared with the sandbox card processor for its webhooks. */
  sandboxWebhookSecret: string;
  /** Wallet: how long the sandbox processor takes to confirm a deposit. */
  sandboxConfirmMs: number;
}

/** Default EUR prices (PCF_PRICES_EUR overrides them): a fixed table, not a market feed. */
export const DEFAULT_PRICES_EUR = { EUR: '1', USD: '0.92', USDC: '0.92', BTC: '88000', ETH: '3100' };

/** Thrown for a bad setting; main prints its message as the one line and exits non-zero. */
export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env, argv: string[] = process.argv.slice(2)): Config {
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const port = integer(read, 'PORT', 8080, 0, 65535);
  const databaseUrl = optionalUrl(read, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const redisUrl = optionalUrl(read, 'REDIS_URL', ['redis:', 'rediss:']);
  const redisPrefix = read('PCF_REDIS_PREFIX') ?? 'pcf:';
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(redisPrefix)) {
    throw new ConfigError(
      `PCF_REDIS_PREFIX must be 1 to 64 letters, digits or _ . : - (got "${redisPrefix}")`,
    );
  }
  const servicesArg = argv.find((a) => a.startsWith('--services='))?.slice('--services='.length);
  const { services, gateway } = parseServices(servicesArg ?? read('PCF_SERVICES'));
  const serviceUrls = parseServiceUrls(read('PCF_SERVICE_URLS'));
  const split = gateway || services.length < SERVICE_NAMES.length || Object.keys(serviceUrls).length > 0;
  const serviceToken = read('PCF_SERVICE_TOKEN');
  if (split && !serviceToken) {
    throw new ConfigError(
      'PCF_SERVICE_TOKEN is required when services run in separate processes (expected a shared secret of 32+ characters)',
    );
  }
  if (serviceToken && serviceToken.length < 32) {
    throw new ConfigError('PCF_SERVICE_TOKEN must be at least 32 characters long');
  }
  const metricsToken = read('PCF_METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 32) {
    throw new ConfigError('PCF_METRICS_TOKEN must be at least 32 characters long');
  }
  const accessTokenTtlSeconds = integer(read, 'PCF_ACCESS_TOKEN_TTL', 900, 30, 900);
  return {
    port,
    host: read('HOST') ?? '0.0.0.0',
    publicUrl: optionalUrl(read, 'PCF_PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`,
    dataDir: resolve(read('PCF_DATA_DIR') ?? './data'),
    databaseUrl,
    databasePoolMax: integer(read, 'DATABASE_POOL_MAX', 10, 1, 500),
    redisUrl,
    redisPrefix,
    services,
    gateway,
    split,
    serviceUrls,
    serviceToken: serviceToken ?? randomBytes(32).toString('base64url'),
    metricsToken,
    demo: boolean(read, 'PCF_DEMO', databaseUrl === undefined),
    demoPassword: read('PCF_DEMO_PASSWORD') ?? 'AllezLesFans-2026',
    logLevel: oneOf(read, 'LOG_LEVEL', 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ] as const),
    trustProxy: parseTrustProxy(read('PCF_TRUST_PROXY')),
    bodyLimit: integer(read, 'PCF_BODY_LIMIT', 1_048_576, 1024, 50 * 1_048_576),
    rateLimitPerIp: integer(read, 'PCF_RATE_LIMIT_IP', 1200, 1, 1_000_000),
    rateLimitPerUser: integer(read, 'PCF_RATE_LIMIT_USER', 600, 1, 1_000_000),
    maxEventLoopDelayMs: integer(read, 'PCF_MAX_EVENT_LOOP_DELAY_MS', 0, 0, 60_000),
    maxHeapUsedBytes: integer(read, 'PCF_MAX_HEAP_MB', 0, 0, 1_048_576) * 1_048_576,
    accessTokenTtlSeconds,
    refreshTokenTtlSeconds: integer(read, 'PCF_REFRESH_TOKEN_TTL', 30 * 86_400, 60, 365 * 86_400),
    widgetSessionTtlSeconds: integer(read, 'PCF_WIDGET_SESSION_TTL', 900, 30, 900),
    sessionCheckSeconds: integer(read, 'PCF_SESSION_CHECK_SECONDS', 5, 0, 60),
    shutdownTimeoutMs: integer(read, 'PCF_SHUTDOWN_TIMEOUT_MS', 10_000, 100, 300_000),
    adminEmail: read('PCF_ADMIN_EMAIL'),
    adminPassword: read('PCF_ADMIN_PASSWORD'),
    pricesEur: parsePrices(read('PCF_PRICES_EUR')),
    holdTtlSeconds: integer(read, 'PCF_HOLD_TTL_SECONDS', 900, 10, 7 * 86_400),
    sandboxWebhookSecret: read('PCF_SANDBOX_WEBHOOK_SECRET') ?? randomBytes(32).toString('base64url'),
    sandboxConfirmMs: integer(read, 'PCF_SANDBOX_CONFIRM_MS', 500, 0, 86_400_000),
  };
}

function integer(
  read: (n: string) => string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
) {
  const raw = read(name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function boolean(read: (n: string) => string | undefined, name: string, fallback: boolean): boolean {
  const raw = read(name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be a boolean: 1/0, true/false, yes/no or on/off (got "${raw}")`);
}

function oneOf<T extends string>(
  read: (n: string) => string | undefined,
  name: string,
  fallback: T,
  allowed: readonly T[],
): T {
  const raw = read(name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}

function optionalUrl(read: (n: string) => string | undefined, name: string, protocols: string[]) {
  const raw = read(name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `${name} must be a URL starting with ${protocols.join(' or ')}// (got an unparsable value)`,
    );
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(
      `${name} must be a URL starting with ${protocols.join(' or ')}// (got "${url.protocol}//")`,
    );
  }
  return raw.replace(/\/+$/, '');
}

function parseServices(raw: string | undefined): { services: ServiceName[]; gateway: boolean } {
  if (raw === undefined || raw === 'all') return { services: [...SERVICE_NAMES], gateway: false };
  const names = raw.split(',').map((s) => s.trim());
  const services: ServiceName[] = [];
  let gateway = false;
  for (const name of names) {
    if (name === 'gateway') gateway = true;
    else if ((SERVICE_NAMES as readonly string[]).includes(name)) services.push(name as ServiceName);
    else {
      throw new ConfigError(
        `PCF_SERVICES / --services must list services from ${SERVICE_NAMES.join(', ')}, gateway or all (got "${name}")`,
      );
    }
  }
  return { services, gateway };
}

/**
 * PCF_TRUST_PROXY: off (unset, 0, false, no, off) or a comma-separated list of the proxies' addresses, CIDRs or
 * proxy-addr range names. "Trust everyone" (1, true) and hop counts are refused: both let a client that reaches
 * the port directly choose its own address (Fastify itself disables hop counts for that reason).
 * @throws ConfigError naming the value and what is expected.
 */
function parseTrustProxy(raw: string | undefined): false | string[] {
  const expected =
    'list the proxies that may speak for clients, as IP addresses or CIDRs (e.g. 127.0.0.1,10.0.0.0/8)';
  if (raw === undefined || ['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) {
    throw new ConfigError(
      `PCF_TRUST_PROXY=${raw} trusts any client's X-Forwarded-For, which lets clients choose their address: ${expected}`,
    );
  }
  if (/^\d+$/.test(raw)) {
    throw new ConfigError(
      `PCF_TRUST_PROXY=${raw} looks like a hop count, which cannot tell a proxy from a client: ${expected}`,
    );
  }
  const entries = raw.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    try {
      // proxy-addr would read a bare number as an IPv4 address ("2" → 0.0.0.2).
      if (/^\d*$/.test(entry)) throw new Error('not an address');
      proxyAddr.compile(entry);
    } catch {
      throw new ConfigError(
        `PCF_TRUST_PROXY: "${entry}" is not an IP address, a CIDR or a range name (loopback, linklocal, uniquelocal): ${expected}`,
      );
    }
  }
  return entries;
}

function parsePrices(raw: string | undefined): Record<string, string> {
  const prices: Record<string, string> = { ...DEFAULT_PRICES_EUR };
  if (raw === undefined) return prices;
  for (const pair of raw.split(',')) {
    const [asset = '', price = ''] = pair.split('=').map((s) => s.trim());
    if (
      !Object.hasOwn(DEFAULT_PRICES_EUR, asset) ||
      !/^(0|[1-9][0-9]*)(\.[0-9]{1,18})?$/.test(price) ||
      /^0(\.0*)?$/.test(price)
    ) {
      throw new ConfigError(
        `PCF_PRICES_EUR must be a comma-separated list of ASSET=price in EUR with ASSET in EUR, USD, USDC, BTC, ETH and a positive decimal price (got "${pair}")`,
      );
    }
    prices[asset] = price;
  }
  if (prices.EUR !== '1') throw new ConfigError('PCF_PRICES_EUR: the price of EUR in EUR must be 1');
  return prices;
}

function parseServiceUrls(raw: string | undefined): Partial<Record<ServiceName, string>> {
  const urls: Partial<Record<ServiceName, string>> = {};
  if (raw === undefined) return urls;
  for (const pair of raw.split(',')) {
    const [name = '', url = ''] = pair.split('=').map((s) => s.trim());
    if (!(SERVICE_NAMES as readonly string[]).includes(name) || !/^https?:\/\/[^\s]+$/.test(url)) {
      throw new ConfigError(
        `PCF_SERVICE_URLS must be a comma-separated list of service=http(s)://host:port (got "${pair}")`,
      );
    }
    urls[name as ServiceName] = url.replace(/\/+$/, '');
  }
  return urls;
}
