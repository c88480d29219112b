export type Role = 'fan' | 'partner_admin' | 'platform_admin';

/** Who is calling, as established from the Authorization header. */
export type Principal =
  | {
      kind: 'user';
      userId: string;
      role: Role;
      /** Partner the user administers (partner_admin only). */
      partnerId: string | undefined;
      sessionId: string;
    }
  | {
      /** A fan acting inside a partner's widget, with a token minted from the partner's secret key. */
      kind: 'widget';
      userId: string;
      role: 'fan';
      partnerId: string;
      origins: string[];
      sessionId: string;
    }
  | {
      /** A partner's server, authenticated with its secret key (sk_...). */
      kind: 'partner_key';
      partnerId: string;
      keyId: string;
      mode: 'live' | 'test';
    };

export const TOKEN_ISSUER = 'paiecashfan';
export const TOKEN_AUDIENCE = 'pcf-api';

/** Identity's claims in an access or widget-session JWT. */
export interface AccessClaims {
  sub: string;
  role: Role;
  sid: string;
  typ: 'access' | 'widget';
  pid?: string;
  origins?: string[];
}
