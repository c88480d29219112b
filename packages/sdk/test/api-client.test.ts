import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApiClient, problemError } from '../src/api-client.ts';
import { createTokenSource } from '../src/token-source.ts';

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

describe('createApiClient', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends the Bearer token, JSON body and Idempotency-Key to the base URL', async () => {
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => json(200, { id: 'tx1' }));
    vi.stubGlobal('fetch', fetchMock);
    const api = createApiClient(
      'http://localhost:8080',
      createTokenSource(async () => 'tok'),
    );
    await expect(
      api('POST', '/v1/wallet/send', { to: 'bob', amount: '10', asset: 'EUR' }, 'key-1'),
    ).resolves.toEqual({
      id: 'tx1',
    });
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe('http://localhost:8080/v1/wallet/send');
    expect(init?.method).toBe('POST');
    expect(init?.body).toBe('{"to":"bob","amount":"10","asset":"EUR"}');
    expect(init?.headers).toMatchObject({
      Authorization: 'Bearer tok',
      'Content-Type': 'application/json',
      'Idempotency-Key': 'key-1',
    });
  });

  it('maps problem+json errors to PcfError(PCF_API_ERROR) with the API code', async () => {
    vi.stubGlobal('fetch', async () =>
      json(
        422,
        {
          type: 'about:blank',
          title: 'Unprocessable',
          status: 422,
          detail: 'Not enough EUR',
          code: 'INSUFFICIENT_FUNDS',
        },
        'application/problem+json',
      ),
    );
    const api = createApiClient(
      'http://x',
      createTokenSource(async () => 'tok'),
    );
    await expect(api('GET', '/v1/wallet/balance')).rejects.toMatchObject({
      code: 'PCF_API_ERROR',
      message: 'Not enough EUR',
      status: 422,
      apiCode: 'INSUFFICIENT_FUNDS',
    });
  });

  it('retries once with a fresh token after a 401, keeping the idempotency key', async () => {
    const fetchMock = vi
      .fn<(url: string, init?: RequestInit) => Promise<Response>>()
      .mockResolvedValueOnce(json(401, { title: 'Unauthorized', code: 'TOKEN_EXPIRED' }))
      .mockResolvedValueOnce(json(200, { balance: '1.00' }));
    vi.stubGlobal('fetch', fetchMock);
    let n = 0;
    const api = createApiClient(
      'http://x',
      createTokenSource(async () => `tok${++n}`),
    );
    await expect(api('POST', '/v1/wallet/send', {}, 'k')).resolves.toEqual({ balance: '1.00' });
    expect(fetchMock.mock.calls.map(([, init]) => init?.headers)).toMatchObject([
      { Authorization: 'Bearer tok1', 'Idempotency-Key': 'k' },
      { Authorization: 'Bearer tok2', 'Idempotency-Key': 'k' },
    ]);
  });

  it("without a token sends no Authorization (public calls) and maps the API's 401 to PCF_UNAUTHENTICATED", async () => {
    const fetchMock = vi.fn(async () => new Response('{"code":"unauthenticated"}', { status: 401 }));
    vi.stubGlobal('fetch', fetchMock);
    await expect(
      createApiClient('http://x', createTokenSource())('GET', '/v1/wallet/balance'),
    ).rejects.toMatchObject({
      code: 'PCF_UNAUTHENTICATED',
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(init.headers).not.toHaveProperty('Authorization');
  });

  it('rejects PCF_API_ERROR on network failure', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const api = createApiClient(
      'http://x',
      createTokenSource(async () => 'tok'),
    );
    await expect(api('GET', '/v1/wallet/balance')).rejects.toMatchObject({ code: 'PCF_API_ERROR' });
  });

  it('problemError falls back to the title, then the status', () => {
    expect(problemError(500, { title: 'Internal' }).message).toBe('Internal');
    expect(problemError(502, null)).toMatchObject({
      code: 'PCF_API_ERROR',
      message: 'HTTP 502',
      status: 502,
    });
    expect(problemError(401, {}).code).toBe('PCF_UNAUTHENTICATED');
  });
});
