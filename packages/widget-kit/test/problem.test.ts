import { describe, expect, it } from 'vitest';
import { readJson } from '../src/http.ts';
import { ApiError, problemExtensions, toProblem } from '../src/problem.ts';

describe('toProblem', () => {
  it('reads an RFC 9457 problem with field errors', () => {
    const problem = toProblem(400, {
      type: 'https://docs.paiecashfan.dev/problems/validation-failed',
      title: 'Bad Request',
      status: 400,
      detail: 'password: must NOT have fewer than 10 characters',
      code: 'validation_failed',
      errors: [{ field: 'password', message: 'must NOT have fewer than 10 characters' }, { nope: 1 }],
    });
    expect(problem).toEqual({
      type: 'https://docs.paiecashfan.dev/problems/validation-failed',
      title: 'Bad Request',
      status: 400,
      detail: 'password: must NOT have fewer than 10 characters',
      code: 'validation_failed',
      errors: [{ field: 'password', message: 'must NOT have fewer than 10 characters' }],
    });
  });

  it('tolerates bodies that are not problems', () => {
    expect(toProblem(502, null)).toEqual({
      type: 'about:blank',
      title: 'HTTP 502',
      status: 502,
      detail: 'HTTP 502',
      code: 'http_502',
      errors: [],
    });
  });

  it('exposes status and code on the typed error', () => {
    const error = new ApiError(
      toProblem(422, { code: 'insufficient_funds', detail: 'Insufficient EUR funds' }),
    );
    expect(error.status).toBe(422);
    expect(error.code).toBe('insufficient_funds');
    expect(error.message).toBe('Insufficient EUR funds');
  });

  it('keeps the extension members of a problem (e.g. the new total of a refused checkout)', () => {
    const body = {
      type: 'https://docs.paiecashfan.dev/problems/promotion-ended',
      title: 'Conflict',
      status: 409,
      detail: 'A promotion in your cart has ended',
      code: 'promotion_ended',
      requestId: 'r1',
      reason: 'code_exhausted',
      total: { amount: '19.90', asset: 'EUR' },
    };
    expect(problemExtensions(body)).toEqual({
      reason: 'code_exhausted',
      total: { amount: '19.90', asset: 'EUR' },
    });
    expect(problemExtensions(null)).toEqual({});
    expect(problemExtensions([1])).toEqual({});
    const error = new ApiError(toProblem(409, body), problemExtensions(body));
    expect(error.extensions.reason).toBe('code_exhausted');
    expect(new ApiError(toProblem(500, null)).extensions).toEqual({});
  });

  it('an error response read by the API client carries its extension members', async () => {
    const response = new Response(
      JSON.stringify({
        status: 409,
        code: 'price_changed',
        detail: 'A price changed',
        total: { amount: '11.00' },
      }),
      { status: 409, headers: { 'content-type': 'application/problem+json' } },
    );
    const error = await readJson(response).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('price_changed');
    expect((error as ApiError).extensions).toEqual({ total: { amount: '11.00' } });
  });
});
