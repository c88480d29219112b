import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, ApiError, fetchApi, injectApi } from './support/index.ts';

/** The fixtures' HTTP caller (`@pcf/kernel/testing`): one behaviour over app.inject and over a real port. */
describe('the fixtures’ API client', () => {
  let app: FastifyInstance;
  let clients: [string, ApiClient][];

  beforeAll(async () => {
    app = Fastify();
    app.post('/echo', async (request) => ({
      body: request.body,
      authorization: request.headers.authorization ?? null,
      key: request.headers['idempotency-key'] ?? null,
    }));
    app.get('/problem', async (_request, reply) =>
      reply.code(422).type('application/problem+json').send({
        type: 'about:blank',
        title: 'Unprocessable Content',
        status: 422,
        detail: 'Not enough',
        code: 'poor',
      }),
    );
    app.get('/empty', async (_request, reply) => reply.code(204).send());
    app.get('/text', async (_request, reply) => reply.type('text/plain').send('hello'));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    clients = [
      ['inject', injectApi(app)],
      ['fetch', fetchApi(url)],
    ];
  });
  afterAll(() => app.close());

  it('sends JSON, the bearer token and the Idempotency-Key, and parses the answer', async () => {
    for (const [name, api] of clients) {
      const answer = await api.request({
        method: 'POST',
        url: '/echo',
        token: 'tok',
        idempotencyKey: 'k-1',
        body: { amount: '1.00' },
      });
      expect(answer.status, name).toBe(200);
      expect(answer.headers['content-type'], name).toMatch(/application\/json/);
      expect(answer.body, name).toEqual({
        body: { amount: '1.00' },
        authorization: 'Bearer tok',
        key: 'k-1',
      });
      expect(answer.problem, name).toBeNull();
    }
  });

  it('reads problem+json as a problem, and json() throws an ApiError naming the call and the code', async () => {
    for (const [name, api] of clients) {
      const answer = await api.request({ url: '/problem' });
      expect(answer.problem, name).toMatchObject({ status: 422, code: 'poor', detail: 'Not enough' });
      const error = await api.json({ url: '/problem' }).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(422);
      expect((error as ApiError).message).toBe('GET /problem → 422 poor: Not enough');
      // An expected status is not an error.
      expect(await api.json({ url: '/problem', expect: 422 }), name).toMatchObject({ code: 'poor' });
      await expect(api.json({ method: 'POST', url: '/echo', body: {}, expect: 201 }), name).rejects.toThrow(
        'POST /echo → 200',
      );
    }
  });

  it('answers {} for an empty or non-JSON body', async () => {
    for (const [name, api] of clients) {
      expect(await api.request({ url: '/empty' }), name).toMatchObject({ status: 204, body: {}, text: '' });
      expect(await api.request({ url: '/text' }), name).toMatchObject({
        status: 200,
        body: {},
        text: 'hello',
      });
    }
  });
});
