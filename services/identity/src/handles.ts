import { randomInt } from 'node:crypto';

/** A public handle from a display name: "Léa Martin" → "lea.martin4821". */
export function handleCandidate(displayName: string): string {
  const base =
    displayName
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '.')
      .replace(/^\.+|\.+$/g, '')
      .slice(0, 20) || 'fan';
  return `${base}${randomInt(1000, 10_000)}`;
}
