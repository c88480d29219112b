import { connect } from 'node:net';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../src/http/app.ts';
import { inspectText, removeUnsafeText, SearchString, SecretString, unsafeTextKind } from '../src/text.ts';

describe('text no field may carry', () => {
  it.each([
    ['a\u0000b', 'nul'],
    ['a\ud800b', 'surrogate'],
    ['\udfff', 'surrogate'],
    ['end\ud83d', 'surrogate'],
    ['Léa\u202Egnp.exe', 'bidi'],
    ['\u2066isolate\u2069', 'bidi'],
    ['\u202A', 'bidi'],
  ])('finds %j: %s', (text, kind) => {
    expect(unsafeTextKind(text)).toBe(kind);
  });

  it('accepts ordinary text, emoji (paired surrogates) and direction marks', () => {
    for (const text of ['Léa Martin', 'Allez 🔴⚪ !', 'שלום\u200F', 'مرحبا', ''])
      expect(unsafeTextKind(text)).toBeNull();
  });

  it('lets secrets carry bidi controls but not NUL or unpaired surrogates', () => {
    expect(unsafeTextKind('pass\u202Eword', 'secret')).toBeNull();
    expect(unsafeTextKind('pass\u0000word', 'secret')).toBe('nul');
    expect(unsafeTextKind('pass\ud800word', 'secret')).toBe('surrogate');
  });

  it('cleans search text', () => {
    expect(removeUnsafeText('a\u0000b\ud800c\u202Ed🔴')).toBe('abcd🔴');
  });

  it('walks nested values and property names, with each field’s policy, and names each place', () => {
    const schema = Type.Object({
      name: Type.String(),
      password: SecretString(),
      q: SearchString(),
      items: Type.Array(Type.Object({ label: Type.String() })),
      meta: Type.Record(Type.String(), Type.String()),
      maybe: Type.Union([Type.Object({ secret: SecretString() }), Type.Null()]),
    });
    const data = {
      name: 'ok',
      password: 'p\u202Ew',
      q: 'x\u0000y',
      items: [{ label: 'fine' }, { label: 'bad\u202E' }],
      meta: { 'key\u0000': 'v', other: 'v\ud800' },
      maybe: { secret: 'hidden\u2066' },
    };
    const { issues } = inspectText(data, schema);
    expect(issues.map((i) => [i.instancePath, i.params.kind, i.params.propertyName])).toEqual(
      expect.arrayContaining([
        ['/items/1/label', 'bidi', undefined],
        ['/meta', 'nul', 'key\u0000'],
        ['/meta/other', 'surrogate', undefined],
      ]),
    );
    expect(issues).toHaveLength(3);
    expect(data.q).toBe('xy');
  });

  it('walks a deeply nested body without exhausting the stack', () => {
    const deep = JSON.parse(`${'['.repeat(200_000)}"\\u0000"${']'.repeat(200_000)}`);
    expect(inspectText(deep, undefined).issues).toHaveLength(1);
  });
});

describe('every error of the HTTP app is problem+json', () => {
  let app: FastifyInstance;
  let base: { host: string; port: number };
  const seen: unknown[] = [];

  beforeAll(async () => {
    app = createHttpApp({ logLevel: 'silent', bodyLimit: 2048, trustProxy: false });
    app.post(
      '/things',
      {
        schema: {
          body: Type.Object(
            {
              name: Type.String({ maxLength: 80 }),
              password: Type.Optional(SecretString({ maxLength: 80 })),
              tags: Type.Optional(Type.Array(Type.String())),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => {
        seen.push(request.body);
        return { ok: true };
      },
    );
    app.get('/things/:id', { schema: { params: Type.Object({ id: Type.String() }) } }, async (request) => ({
      id: (request.params as { id: string }).id,
    }));
    app.get(
      '/search',
      { schema: { querystring: Type.Object({ q: SearchString({ minLength: 1 }), club: Type.String() }) } },
      async (request) => request.query,
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    base = { host: '127.0.0.1', port: address.port };
  });
  afterAll(() => app.close());

  const expectProblem = (
    response: { statusCode: number; headers: Record<string, unknown>; json(): Record<string, unknown> },
    status: number,
    code: string,
  ) => {
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({ status, code });
    for (const member of ['type', 'title', 'detail']) expect(typeof problem[member]).toBe('string');
    return problem;
  };

  describe('text in bodies, query strings and paths', () => {
    it.each([
      ['NUL', { name: 'a\u0000b' }, 'name', 'NUL'],
      ['an unpaired surrogate', { name: 'a\ud800' }, 'name', 'unpaired surrogate'],
      ['a bidi override', { name: 'Léa\u202Egnp.exe' }, 'name', 'bidirectional'],
      [
        'a bidi isolate in an array item',
        { name: 'ok', tags: ['a', '\u2067b\u2069'] },
        'tags.1',
        'bidirectional',
      ],
      ['NUL in a password', { name: 'ok', password: 'p\u0000' }, 'password', 'NUL'],
    ])('refuses %s with a 400 naming the field', async (_what, body, field, words) => {
      const before = seen.length;
      const problem = expectProblem(
        await app.inject({ method: 'POST', url: '/things', payload: body }),
        400,
        'validation_failed',
      );
      expect(problem.errors).toEqual([{ field, message: expect.stringContaining(words) }]);
      expect(problem.detail).toContain(field);
      expect(seen.length).toBe(before);
    });

    it('refuses a lone surrogate written as a JSON escape', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/things',
        headers: { 'content-type': 'application/json' },
        payload: '{"name":"\\udc00"}',
      });
      expectProblem(response, 400, 'validation_failed');
    });

    it('lets a password carry bidi controls (it is never shown)', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/things',
        payload: { name: 'ok', password: 'p\u202Ew' },
      });
      expect(response.statusCode).toBe(200);
    });

    it('refuses NUL in a path parameter and in a query string, naming it', async () => {
      const path = expectProblem(
        await app.inject({ method: 'GET', url: '/things/a%00b' }),
        400,
        'validation_failed',
      );
      expect(path.errors).toEqual([expect.objectContaining({ field: 'id' })]);
      const query = expectProblem(
        await app.inject({ method: 'GET', url: '/search?q=ok&club=a%E2%80%AEb' }),
        400,
        'validation_failed',
      );
      expect(query.errors).toEqual([expect.objectContaining({ field: 'club' })]);
    });

    it('cleans search text instead of refusing it', async () => {
      const response = await app.inject({
        method: 'GET',
        url: '/search?q=a%00b%E2%80%AEc%E2%81%A6%F0%9F%94%B4&club=x',
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().q).toBe('abc🔴');
      expectProblem(
        await app.inject({ method: 'GET', url: '/search?q=%00&club=x' }),
        400,
        'validation_failed',
      );
    });
  });

  describe("the framework's own errors", () => {
    it.each([
      ['/things/%E0%A4%A', 400, 'malformed_url'],
      ['/things/%', 400, 'malformed_url'],
      [`/things/${'a'.repeat(101)}`, 414, 'path_parameter_too_long'],
      ['/nowhere', 404, 'route_not_found'],
    ])('GET %s → %i %s', async (url, status, code) => {
      expectProblem(await app.inject({ method: 'GET', url }), status, code);
    });

    it.each([
      ['text/plain', 'hello'],
      ['multipart/form-data; boundary=x', '--x\r\n\r\nhi\r\n--x--'],
      ['application/x-www-form-urlencoded', 'name=x'],
      ['application/xml', '<name/>'],
    ])('a %s body on a JSON route → 415 unsupported_media_type', async (type, payload) => {
      expectProblem(
        await app.inject({ method: 'POST', url: '/things', headers: { 'content-type': type }, payload }),
        415,
        'unsupported_media_type',
      );
    });

    it('answers a body over the limit, malformed JSON and an empty JSON body', async () => {
      const post = (payload: string) =>
        app.inject({
          method: 'POST',
          url: '/things',
          headers: { 'content-type': 'application/json' },
          payload,
        });
      expectProblem(await post(JSON.stringify({ name: 'x'.repeat(4000) })), 413, 'body_too_large');
      expectProblem(await post('{"name":'), 400, 'malformed_json');
      expectProblem(await post(''), 400, 'empty_body');
    });

    const raw = (request: string) =>
      new Promise<{ head: string; body: string }>((resolve, reject) => {
        const socket = connect(base, () => socket.write(request));
        let data = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk) => {
          data += chunk;
        });
        socket.on('error', reject);
        socket.on('close', () => {
          const [head = '', body = ''] = data.split('\r\n\r\n');
          resolve({ head, body });
        });
      });

    it.each([
      [
        'a malformed header line',
        'GET /things/x HTTP/1.1\r\nHost: x\r\nNot A Header\r\n\r\n',
        400,
        'malformed_request',
      ],
      ['a malformed request line', 'GARBAGE\r\n\r\n', 400, 'malformed_request'],
      [
        'headers over the size limit',
        `GET /things/x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        431,
        'headers_too_large',
      ],
    ])('answers %s (before there is a request) with problem+json', async (_what, request, status, code) => {
      const { head, body } = await raw(request);
      expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      expect(head.toLowerCase()).toContain('content-type: application/problem+json');
      expect(JSON.parse(body)).toMatchObject({
        status,
        code,
        type: expect.any(String),
        title: expect.any(String),
      });
    });
  });
});
