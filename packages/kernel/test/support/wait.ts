/** Polls until check() returns a truthy value; fails after timeoutMs with the message. */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  message: string,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting: ${message}${last ? ` (last error: ${String(last)})` : ''}`);
}
