import { describe, expect, it } from 'vitest';
import { ApiError, toProblem } from '../src/problem.ts';

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
});
