import { PagedResponse, Uuid, uuidParams } from '@pcf/kernel';
import { type Static, Type } from '@sinclair/typebox';

/** A fan's consent: what this partner's pages may read through the SDK (balance, history, cart). */
export const Consent = Type.Object({
  partnerId: Uuid,
  partnerName: Type.String(),
  partnerSlug: Type.String(),
  origin: Type.Union([Type.String(), Type.Null()], { description: 'The page it was granted on, if known' }),
  grantedAt: Type.String({ format: 'date-time' }),
});
export type Consent = Static<typeof Consent>;

export const ConsentPage = PagedResponse(Consent);

export const ConsentParams = uuidParams('partnerId');

export const GrantConsentBody = Type.Object(
  {
    origin: Type.Optional(
      Type.String({
        maxLength: 255,
        pattern: '^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$',
        description: 'The origin of the page the fan granted it on (scheme://host[:port])',
      }),
    ),
  },
  { additionalProperties: false },
);
export type GrantConsentBody = Static<typeof GrantConsentBody>;
