import { randomUUID } from 'node:crypto';
import { SERVICE_TOKEN_HEADER } from '@pcf/kernel';
import { startTestPlatform, type TestPlatform, testBackends, waitFor } from '@pcf/kernel/testing';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODULES } from '../src/modules.ts';

/**
 * Walks every operation of /openapi.json with hostile values — NUL, unpaired surrogates, bidi controls, 76-digit
 * amounts, huge and negative numbers, wrong types, over-long strings, bad %-encodings, arrays and objects where
 * strings are expected, empty and malformed bodies, other content types — one parameter or body field at a time,
 * the others kept valid, as a fan, a partner admin, a platform admin or a partner's secret key so that requests get
 * past authentication. Every answer must be below 500, and every 4xx an RFC 9457 problem+json.
 */

type Schema = Record<string, unknown>;
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body: Schema | undefined;
}
interface Probe {
  label: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

const PASSWORD = 'AllezLesFans-2026';
const BIG_DIGITS = '9'.repeat(76);
/** A placeholder replaced by a raw JSON number literal of 76 digits (JSON.stringify cannot write one). */
const BIG_NUMBER_TOKEN = '__pcf_big_number__';

function cursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** Encoded text for a path segment or a query value. */
const URL_VALUES: Record<string, string> = {
  nul: '%00',
  'nul inside': 'a%00b',
  'lone surrogate (invalid UTF-8)': '%ED%A0%80',
  'bidi override': '%E2%80%AEabc',
  'bidi isolate': '%E2%81%A6abc%E2%81%A9',
  'bad %-encoding': '%E0%A4%A',
  'lone %': '%',
  'over-long': 'a'.repeat(3000),
  '76 digits': BIG_DIGITS,
  negative: '-1',
  'huge float': '1e400',
  'dot segments': '..%2F..%2Fetc%2Fpasswd',
  // Well-formed cursors (base64url JSON) holding what a cursor never holds.
  'forged cursor: huge offset': cursor([1e300]),
  'forged cursor: 76-digit offset': cursor([BIG_DIGITS]),
  'forged cursor: negative offset': cursor([-1]),
  'forged cursor: NUL': cursor(['\u0000', 'a\u0000b']),
  'forged cursor: bad time': cursor(['not a time', 'x']),
  'forged cursor: huge time': cursor(['+275760-09-13T00:00:00.001Z', BIG_DIGITS]),
  'forged cursor: impossible time': cursor([
    '2026-02-30 25:61:61+00',
    '0d6f1c8e-5b4e-4a43-9d6e-2f0a4c1b7e21',
  ]),
  'forged cursor: year zero': cursor(['0000-01-01 00:00:00+00', '0d6f1c8e-5b4e-4a43-9d6e-2f0a4c1b7e21']),
};
const PATH_VALUES: Record<string, string> = { ...URL_VALUES, 'over-long': 'a'.repeat(150) };

/** Hostile JSON values for a body field. */
const STRING_VALUES: Record<string, unknown> = {
  nul: 'a\u0000b',
  'lone high surrogate': 'a\ud800b',
  'lone low surrogate': '\udc00',
  'bidi override': 'Léa\u202Egnp.exe',
  'bidi isolate': '\u2066abc\u2069',
  'over-long': 'x'.repeat(20_000),
  '76 digits': BIG_DIGITS,
  '76 digits with cents': `${BIG_DIGITS}.99`,
  negative: '-1',
  empty: '',
};
const OTHER_VALUES: Record<string, unknown> = {
  'huge number': 1e308,
  '76-digit number literal': BIG_NUMBER_TOKEN,
  'negative number': -1,
  fraction: 1.5,
  boolean: true,
  null: null,
  'array of NUL': ['a\u0000'],
  'object with NUL key': { 'a\u0000': 1 },
  'nested object': { a: { b: { c: 'd' } } },
};

const BODY_VARIANTS: { label: string; contentType?: string; payload?: string }[] = [
  { label: 'empty JSON body', contentType: 'application/json', payload: '' },
  { label: 'JSON null', contentType: 'application/json', payload: 'null' },
  { label: 'JSON array', contentType: 'application/json', payload: '[{"a":1}]' },
  { label: 'JSON string', contentType: 'application/json', payload: '"a\\u0000b"' },
  { label: 'JSON number', contentType: 'application/json', payload: BIG_DIGITS },
  { label: 'malformed JSON', contentType: 'application/json', payload: '{"a":' },
  { label: 'JSON with a lone surrogate key', contentType: 'application/json', payload: '{"\\ud800":1}' },
  {
    label: 'deeply nested JSON',
    contentType: 'application/json',
    payload: `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
  },
  {
    label: 'deeply nested JSON objects',
    contentType: 'application/json',
    payload: `${'{"a":'.repeat(20_000)}"\\u0000"${'}'.repeat(20_000)}`,
  },
  {
    label: 'body over the limit',
    contentType: 'application/json',
    payload: `{"a":"${'x'.repeat(1_100_000)}"}`,
  },
  { label: 'text/plain', contentType: 'text/plain', payload: 'hello' },
  { label: 'multipart', contentType: 'multipart/form-data; boundary=x', payload: '--x\r\n\r\nhi\r\n--x--' },
  { label: 'form', contentType: 'application/x-www-form-urlencoded', payload: 'a=%00' },
  { label: 'xml', contentType: 'application/xml', payload: '<a/>' },
  { label: 'JSON in UTF-16', contentType: 'application/json; charset=utf-16', payload: '{}' },
  { label: 'an image type with JSON', contentType: 'image/png', payload: '{}' },
  { label: 'a malformed content type', contentType: ';;; =', payload: '{}' },
];

const HEADER_VALUES: Record<string, string> = {
  empty: '',
  'over-long': 'k'.repeat(300),
  'latin-1': 'cl\u00e9',
  spaces: 'a key with spaces',
};

function operations(spec: { paths: Record<string, Record<string, Schema>> }): Operation[] {
  const found: Operation[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)
        ?.content;
      found.push({
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters as Parameter[] | undefined) ?? [],
        body: content?.['application/json']?.schema,
      });
    }
  }
  return found;
}

/** Candidates tried, in order, for a string with a pattern: the first that matches is used. */
const PATTERN_CANDIDATES = [
  'monaco',
  'abc',
  'SKU-1',
  '10.00',
  '10',
  '0.05',
  'https://example.com',
  'CODE10',
  'pk_test_monacoDemo2026',
];

function sample(schema: Schema | undefined, name: string, known: Record<string, string>): unknown {
  if (!schema) return 'x';
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (branches) return sample(branches.find((b) => b.type !== 'null') ?? branches[0], name, known);
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...(schema.allOf as Schema[]).map((s) => sample(s, name, known)));
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries((schema.properties as Record<string, Schema>) ?? {})) {
        out[key] = sample(child, key, known);
      }
      return out;
    }
    case 'array':
      return schema.items ? [sample(schema.items as Schema, name, known)] : [];
    case 'integer':
    case 'number':
      return Math.min(Math.max(Number(schema.minimum ?? 1), 1), Number(schema.maximum ?? 1));
    case 'boolean':
      return true;
    default:
      return sampleString(schema, name, known);
  }
}

function sampleString(schema: Schema, name: string, known: Record<string, string>): string {
  if (known[name]) return known[name];
  switch (schema.format) {
    case 'uuid':
      return randomUUID();
    case 'email':
      return `hostile-${randomUUID().slice(0, 8)}@example.com`;
    case 'date-time':
      return new Date(Date.now() + (name.startsWith('end') ? 2 : 1) * 86_400_000).toISOString();
    case 'uri':
      return 'https://example.com/live';
  }
  const min = Number(schema.minLength ?? 0);
  const max = Number(schema.maxLength ?? Number.POSITIVE_INFINITY);
  const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern) : undefined;
  const fits = (s: string) => s.length >= min && s.length <= max && (!pattern || pattern.test(s));
  return [...PATTERN_CANDIDATES, 'x'.repeat(Math.max(min, 1))].find(fits) ?? 'x';
}

/** Every leaf of a sample body, as a path of keys and indexes. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return [path];
    return entries.flatMap(([key, child]) => leaves(child, [...path, key]));
  }
  return [path];
}

function withValue(body: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

function json(value: unknown): string {
  return JSON.stringify(value).replaceAll(`"${BIG_NUMBER_TOKEN}"`, BIG_DIGITS);
}

function probesFor(
  op: Operation,
  known: Record<string, string>,
  knownIds: (path: string) => string,
): Probe[] {
  const baseParams: Record<string, string> = {};
  const baseQuery: Record<string, string> = {};
  const baseHeaders: Record<string, string> = {};
  for (const p of op.parameters) {
    const value =
      p.in === 'path' && p.name === 'id' ? knownIds(op.path) : String(sample(p.schema, p.name, known));
    if (p.in === 'path') baseParams[p.name] = encodeURIComponent(value);
    else if (p.in === 'query' && p.required) baseQuery[p.name] = encodeURIComponent(value);
    else if (p.in === 'header') baseHeaders[p.name] = value;
  }
  const url = (params: Record<string, string>, query: Record<string, string> | string) => {
    const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? 'x');
    const qs =
      typeof query === 'string'
        ? query
        : Object.entries(query)
            .map(([k, v]) => `${k}=${v}`)
            .join('&');
    return qs ? `${path}?${qs}` : path;
  };
  const headers = () => ({
    ...baseHeaders,
    ...('idempotency-key' in baseHeaders ? { 'idempotency-key': randomUUID() } : {}),
  });
  const hasBody = ['POST', 'PUT', 'PATCH'].includes(op.method);
  const baseBody = op.body ? sample(op.body, '', known) : undefined;
  const probe = (
    label: string,
    target: string,
    body?: { contentType?: string; payload?: string },
  ): Probe => ({
    label: `${op.method} ${op.path} — ${label}`,
    method: op.method,
    url: target,
    headers: {
      ...headers(),
      ...(body?.contentType ? { 'content-type': body.contentType } : {}),
    },
    ...(body?.payload !== undefined ? { payload: body.payload } : {}),
  });
  const validBody = () =>
    hasBody && baseBody !== undefined
      ? { contentType: 'application/json', payload: json(baseBody) }
      : undefined;
  const probes: Probe[] = [];

  for (const p of op.parameters) {
    if (p.in === 'path') {
      for (const [label, value] of Object.entries(PATH_VALUES)) {
        probes.push(
          probe(`path ${p.name}: ${label}`, url({ ...baseParams, [p.name]: value }, baseQuery), validBody()),
        );
      }
    } else if (p.in === 'query') {
      for (const [label, value] of Object.entries(URL_VALUES)) {
        probes.push(
          probe(`query ${p.name}: ${label}`, url(baseParams, { ...baseQuery, [p.name]: value }), validBody()),
        );
      }
      const rest = Object.entries(baseQuery)
        .filter(([k]) => k !== p.name)
        .map(([k, v]) => `&${k}=${v}`)
        .join('');
      probes.push(
        probe(`query ${p.name}: repeated`, url(baseParams, `${p.name}=a&${p.name}=%00${rest}`), validBody()),
      );
      probes.push(probe(`query ${p.name}: object`, url(baseParams, `${p.name}[a]=%00${rest}`), validBody()));
      probes.push(probe(`query ${p.name}: empty`, url(baseParams, `${p.name}=${rest}`), validBody()));
    } else if (p.in === 'header' && p.name !== 'authorization') {
      for (const [label, value] of Object.entries(HEADER_VALUES)) {
        const target = url(baseParams, baseQuery);
        const entry = probe(`header ${p.name}: ${label}`, target, validBody());
        entry.headers[p.name] = value;
        probes.push(entry);
      }
    }
  }

  if (hasBody || op.method === 'DELETE') {
    const target = url(baseParams, baseQuery);
    for (const variant of BODY_VARIANTS) probes.push(probe(`body: ${variant.label}`, target, variant));
    if (baseBody !== undefined && typeof baseBody === 'object' && baseBody !== null) {
      for (const leaf of leaves(baseBody)) {
        const current = leaf.reduce<unknown>(
          (node, key) => (node as Record<string | number, unknown>)[key],
          baseBody,
        );
        const values =
          typeof current === 'string'
            ? { ...STRING_VALUES, ...OTHER_VALUES }
            : {
                ...OTHER_VALUES,
                nul: STRING_VALUES.nul,
                'lone high surrogate': STRING_VALUES['lone high surrogate'],
                'numeric string': '1',
              };
        for (const [label, value] of Object.entries(values)) {
          probes.push(
            probe(`body ${leaf.join('.') || '(root)'}: ${label}`, target, {
              contentType: 'application/json',
              payload: json(withValue(baseBody, leaf, value)),
            }),
          );
        }
      }
    }
  }
  return probes;
}

/** What is wrong with an answer, or null: no 5xx, and every 4xx an RFC 9457 problem with its members. */
function defect(response: LightMyRequestResponse): string | null {
  const status = response.statusCode;
  const summary = `${status} ${String(response.headers['content-type'] ?? '')} ${response.body.slice(0, 160)}`;
  if (status >= 500) return summary;
  if (status < 400) return null;
  if (!/^application\/problem\+json/.test(String(response.headers['content-type'] ?? ''))) return summary;
  let problem: Record<string, unknown>;
  try {
    problem = response.json();
  } catch {
    return `${summary} (not JSON)`;
  }
  for (const member of ['type', 'title', 'detail', 'code'] as const) {
    if (typeof problem[member] !== 'string' || problem[member] === '') return `${summary} (no ${member})`;
  }
  if (problem.status !== status) return `${summary} (status member ${String(problem.status)})`;
  return null;
}

describe.each(testBackends())('hostile input on every operation of /openapi.json ($name)', (backend) => {
  let t: TestPlatform;
  let ops: Operation[];
  const tokens: Record<'fan' | 'partner' | 'platform' | 'secret' | 'logout', string> = {
    fan: '',
    partner: '',
    platform: '',
    secret: '',
    logout: '',
  };
  const known: Record<string, string> = {
    club: 'monaco',
    password: 'Hostile-Passw0rd-2026!',
    displayName: 'Hostile Tester',
    publishableKey: 'pk_test_monacoDemo2026',
    provider: 'sandbox',
  };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestPlatform(backend, MODULES, {
      PCF_DEMO: '1',
      PCF_DEMO_PASSWORD: PASSWORD,
      PCF_RATE_LIMIT_IP: '1000000',
      PCF_RATE_LIMIT_USER: '1000000',
      PCF_SANDBOX_CONFIRM_MS: '3600000',
    });
    const login = async (email: string) => {
      const response = await t.request({
        method: 'POST',
        url: '/v1/auth/login',
        body: { email, password: PASSWORD },
      });
      if (response.statusCode !== 200) throw new Error(`login of ${email} failed: ${response.body}`);
      return response.json() as { accessToken: string; user: { partnerId: string | null } };
    };
    tokens.fan = (await login('fan@demo.paiecashfan.dev')).accessToken;
    tokens.platform = (await login('admin@demo.paiecashfan.dev')).accessToken;
    const admin = await login('admin@monaco.demo.paiecashfan.dev');
    tokens.partner = admin.accessToken;
    known.partnerId = admin.user.partnerId!;
    const secret = /Demo secret key for AS Monaco \(shown only now\): (\S+)/.exec(
      t.platform.banner.join('\n'),
    );
    tokens.secret = secret![1]!;
    const throwaway = await t.request({
      method: 'POST',
      url: '/v1/auth/signup',
      body: { email: `logout-${randomUUID()}@example.com`, password: known.password, displayName: 'Logout' },
    });
    tokens.logout = throwaway.json().accessToken;

    await t.platform.flushEvents();
    await waitFor(async () => {
      const products = await t.request({ method: 'GET', url: '/v1/shop/products?club=monaco' });
      return products.statusCode === 200 && products.json().data.length > 0;
    }, 'the demo catalogue');
    const product = (await t.request({ method: 'GET', url: '/v1/shop/products?club=monaco' })).json().data[0];
    ids.product = product.id;
    ids.variant = product.variants[0].id;
    known.productId = product.id;
    known.variantId = product.variants[0].id;
    const live = (await t.request({ method: 'GET', url: '/v1/shop/live?club=monaco' })).json().data?.[0];
    if (live) ids.live = live.id;
    const promotions = await t.request({
      method: 'GET',
      url: '/v1/shop/admin/promotions?club=monaco',
      token: tokens.partner,
    });
    const promotion = promotions.json().data?.[0];
    if (promotion) ids.promotion = promotion.id;

    const spec = (await t.request({ method: 'GET', url: '/openapi.json' })).json();
    ops = operations(spec);
  });
  afterAll(() => t?.close());

  function knownId(path: string): string {
    if (path.includes('/variants/')) return ids.variant ?? randomUUID();
    if (path.includes('/products/')) return ids.product ?? randomUUID();
    if (path.includes('/live/')) return ids.live ?? randomUUID();
    if (path.includes('/promotions/')) return ids.promotion ?? randomUUID();
    return randomUUID();
  }

  function credentials(op: Operation): Record<string, string> {
    if (op.path.startsWith('/internal/')) return { [SERVICE_TOKEN_HEADER]: t.platform.config.serviceToken };
    const token =
      op.path === '/v1/auth/logout'
        ? tokens.logout
        : op.path === '/v1/auth/widget-sessions'
          ? tokens.secret
          : op.path.startsWith('/v1/shop/admin/')
            ? tokens.partner
            : op.path.startsWith('/v1/partners') || op.path.startsWith('/v1/wallet/admin/')
              ? tokens.platform
              : tokens.fan;
    return { authorization: `Bearer ${token}` };
  }

  async function walk(select: (op: Operation) => boolean): Promise<{ sent: number; defects: string[] }> {
    const selected = ops.filter(select);
    expect(selected.length).toBeGreaterThan(0);
    const defects: string[] = [];
    let sent = 0;
    for (const op of selected) {
      for (const probe of probesFor(op, known, knownId)) {
        const response = await t.platform.app.inject({
          method: probe.method as 'GET',
          url: probe.url,
          headers: { ...credentials(op), ...probe.headers },
          ...(probe.payload === undefined ? {} : { payload: probe.payload }),
        });
        sent++;
        const found = defect(response);
        if (found) defects.push(`${probe.label} → ${found}`);
      }
    }
    return { sent, defects };
  }

  // Internal routes, while the public document lists them, are walked with their service (with the service token).
  const under =
    (...prefixes: string[]) =>
    (op: Operation) =>
      prefixes.some((prefix) => op.path.startsWith(prefix));
  const groups: [string, (op: Operation) => boolean][] = [
    ['identity: auth', under('/v1/auth/', '/.well-known/', '/internal/identity/')],
    ['identity: partners', under('/v1/partners')],
    ['wallet', (op) => under('/v1/wallet/', '/internal/wallet/')(op) && op.path !== '/v1/wallet/stream'],
    [
      'shop catalogue, cart and orders',
      (op) => under('/v1/shop/', '/internal/shop/')(op) && !op.path.startsWith('/v1/shop/admin/'),
    ],
    ['shop back office', under('/v1/shop/admin/')],
  ];

  it('covers every operation of the document', () => {
    // The balance stream never ends (Server-Sent Events) and has no input to vary.
    const uncovered = ops.filter(
      (op) => op.path !== '/v1/wallet/stream' && !groups.some(([, select]) => select(op)),
    );
    expect(ops.length).toBeGreaterThan(40);
    expect(uncovered.map((op) => `${op.method} ${op.path}`)).toEqual([]);
  });

  for (const [name, select] of groups) {
    it(`answers ${name} with no 5xx and problem+json on every 4xx`, async () => {
      const { sent, defects } = await walk(select);
      expect(sent).toBeGreaterThan(100);
      expect(defects).toEqual([]);
    });
  }

  describe('names, labels, notes and other free text', () => {
    const cases: [string, () => { method: 'POST' | 'PATCH'; url: string; token?: string; body: object }][] = [
      [
        'login email',
        () => ({
          method: 'POST',
          url: '/v1/auth/login',
          body: { email: 'fan\u0000@demo.paiecashfan.dev', password: PASSWORD },
        }),
      ],
      [
        'signup displayName',
        () => ({
          method: 'POST',
          url: '/v1/auth/signup',
          body: {
            email: `x-${randomUUID()}@example.com`,
            password: 'Zebra-Lantern-Quartz-91',
            displayName: 'Léa\u202Egnp.exe',
          },
        }),
      ],
      [
        'PATCH /me displayName',
        () => ({
          method: 'PATCH',
          url: '/v1/auth/me',
          token: tokens.fan,
          body: { displayName: '\u2066Admin\u2069' },
        }),
      ],
      [
        'PATCH /me favouriteClub',
        () => ({
          method: 'PATCH',
          url: '/v1/auth/me',
          token: tokens.fan,
          body: { favouriteClub: 'AS\u0000Monaco' },
        }),
      ],
      [
        'send note',
        () => ({
          method: 'POST',
          url: '/v1/wallet/send',
          token: tokens.fan,
          body: {
            to: 'admin@demo.paiecashfan.dev',
            amount: '1.00',
            asset: 'EUR',
            note: 'merci \u202Dpour tout',
          },
        }),
      ],
      [
        'send recipient',
        () => ({
          method: 'POST',
          url: '/v1/wallet/send',
          token: tokens.fan,
          body: { to: 'a\u0000b@example.com', amount: '1.00', asset: 'EUR' },
        }),
      ],
      [
        'discount code',
        () => ({
          method: 'POST',
          url: '/v1/shop/cart/discount',
          token: tokens.fan,
          body: { club: 'monaco', code: 'BIENVENUE\u0000' },
        }),
      ],
      [
        'product name',
        () => ({
          method: 'PATCH',
          url: `/v1/shop/admin/products/${ids.product}`,
          token: tokens.partner,
          body: { name: { fr: 'Maillot \u202E', en: 'Jersey' } },
        }),
      ],
      [
        'variant label',
        () => ({
          method: 'PATCH',
          url: `/v1/shop/admin/variants/${ids.variant}`,
          token: tokens.partner,
          body: { label: 'XL\ud800' },
        }),
      ],
      [
        'key label',
        () => ({
          method: 'POST',
          url: `/v1/partners/${known.partnerId}/keys`,
          token: tokens.platform,
          body: { kind: 'secret', label: 'prod\u2067' },
        }),
      ],
    ];

    it.each(cases)(
      'refuses NUL, unpaired surrogates and bidi controls in the %s, naming the field',
      async (_what, make) => {
        const { method, url, token, body } = make();
        const response = await t.request({
          method,
          url,
          ...(token ? { token } : {}),
          body,
          headers: { 'idempotency-key': randomUUID() },
        });
        expect(response.statusCode, response.body).toBe(400);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        const problem = response.json();
        expect(problem.code).toBe('validation_failed');
        expect(problem.errors).toEqual([
          expect.objectContaining({ message: expect.stringMatching(/NUL|unpaired surrogate|bidirectional/) }),
        ]);
      },
    );

    it('cleans the shop search text instead of refusing it', async () => {
      const plain = await t.request({ method: 'GET', url: '/v1/shop/products?club=monaco&q=maillot' });
      const dirty = await t.request({
        method: 'GET',
        url: '/v1/shop/products?club=monaco&q=mai%00llot%E2%80%AE',
      });
      expect(dirty.statusCode).toBe(200);
      expect(plain.json().data.length).toBeGreaterThan(0);
      expect(dirty.json().data.map((p: { id: string }) => p.id)).toEqual(
        plain.json().data.map((p: { id: string }) => p.id),
      );
    });
  });
});
