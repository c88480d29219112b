import { randomUUID } from 'node:crypto';
import {
  login,
  startFixturePlatform,
  TEST_ADMIN,
  type TestPlatform,
  testBackends,
} from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../src/identity.module.ts';

const email = () => `pw-${randomUUID().slice(0, 8)}@example.com`;

describe.each(testBackends())('password strength on $name', (backend) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startFixturePlatform(backend, [identityModule]);
  });
  afterAll(() => t.close());

  const signupWith = (password: string, displayName = 'Strength', address = email()) =>
    t.request({ method: 'POST', url: '/v1/auth/signup', body: { email: address, password, displayName } });

  it.each(['password1234', 'azertyuiop', '1234567890', 'aaaaaaaaaaaa', 'motdepasse1', 'Password2024!'])(
    'refuses the guessable password %s with 400 weak_password and the estimator’s feedback',
    async (password) => {
      const response = await signupWith(password);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = response.json();
      expect(problem.code).toBe('weak_password');
      expect(problem.errors).toEqual([{ field: 'password', message: expect.any(String) }]);
      expect(problem.score).toBeLessThan(3);
      expect(problem.feedback.suggestions.length + (problem.feedback.warning ? 1 : 0)).toBeGreaterThan(0);
      expect(problem.detail).toMatch(/password/i);
    },
  );

  it('refuses a password made of the fan’s own name and email', async () => {
    const address = email();
    const response = await signupWith(`${address.split('@')[0]}`.padEnd(12, '1'), 'Camille Dupont', address);
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('weak_password');
  });

  it.each(['AllezLesFans-2026', 'correct-horse-battery', 'Quatre-Vents-sur-la-Canebière-88'])(
    'accepts the strong password %s',
    async (password) => {
      expect((await signupWith(password)).statusCode).toBe(201);
    },
  );

  it("applies to a new partner admin's password too", async () => {
    const root = await login(t, TEST_ADMIN.email, TEST_ADMIN.password);
    const slug = `weak-${randomUUID().slice(0, 6)}`;
    const response = await t.request({
      method: 'POST',
      url: '/v1/partners',
      token: root.token,
      body: { name: 'Weak', slug, admin: { email: email(), password: 'password1234', displayName: 'Admin' } },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('weak_password');
  });
});
