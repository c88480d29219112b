/** Loaded at the first hash or verification, not at start-up. */
const argon2 = () => import('@node-rs/argon2');

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

let dummyHash: Promise<string> | undefined;

export async function hashPassword(password: string): Promise<string> {
  return (await argon2()).hash(password, OPTIONS);
}

/** Verifies against the stored hash, or against a throwaway hash when there is none (same cost either way). */
export async function verifyPassword(
  storedHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  dummyHash ??= hashPassword('not-a-real-password-0000');
  const target = storedHash ?? (await dummyHash);
  const ok = await (await argon2()).verify(target, password).catch(() => false);
  return ok && storedHash !== null && storedHash !== undefined;
}
