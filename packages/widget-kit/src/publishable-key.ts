import { readJson, send } from './http.ts';
import { ApiError } from './problem.ts';

export interface PublishableKeyInfo {
  partnerId: string;
  partnerName: string;
  partnerSlug: string;
  mode: 'live' | 'test';
  allowedOrigins: string[];
}

/** The public facts of a publishable key; null when it is unknown or revoked (or malformed). Throws on outages. */
export async function fetchPublishableKey(pk: string): Promise<PublishableKeyInfo | null> {
  try {
    return await readJson<PublishableKeyInfo>(
      await send(`/v1/partners/publishable-keys/${encodeURIComponent(pk)}`, {}),
    );
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) return null;
    throw error;
  }
}
