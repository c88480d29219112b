import type { ApiClient } from '@pcf/widget-kit';

/** GET /v1/wallet/recipients (services/wallet/src/wallet.schema.ts `Recipient`): who a send would pay. */
export interface Recipient {
  id: string;
  displayName: string;
  handle: string;
}

/** Looks up a user id, email or @handle; ApiError 404 recipient_not_found, 429 once the look-up budget is spent. */
export const lookupRecipient = (api: ApiClient, to: string) =>
  api.get<Recipient>(`/v1/wallet/recipients?to=${encodeURIComponent(to)}`);

/** How the fan reads a recipient: "Léa Martin (@lea-martin)". */
export const recipientText = (recipient: Recipient) => `${recipient.displayName} (@${recipient.handle})`;
