/** A random hex id (crypto.getRandomValues works on http pages too, unlike randomUUID). */
export function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}
