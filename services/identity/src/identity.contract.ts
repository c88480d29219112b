/**
 * Identity's public HTTP API (fans' accounts, sessions, consents, publishable keys) as TypeScript types, derived
 * from its TypeBox schemas: the one contract between this service and its clients. Widgets, widget-kit and the SDK
 * import it type-only (`import type … from '@pcf/identity/contract'`), so nothing of the server reaches a bundle.
 */
import type { Static } from '@sinclair/typebox';
import type * as C from './consents.schema.ts';
import type * as S from './identity.schema.ts';
import type * as Sessions from './sessions.schema.ts';

export type Locale = Static<typeof S.Locale>;
export type DisplayCurrency = Static<typeof S.DisplayCurrency>;
export type Role = Static<typeof S.Role>;

// ——— requests ———

/** `POST /v1/auth/signup`. */
export type SignupBody = Static<typeof S.SignupBody>;
/** `POST /v1/auth/login`. */
export type LoginBody = Static<typeof S.LoginBody>;
/** `POST /v1/auth/refresh`. */
export type RefreshBody = Static<typeof S.RefreshBody>;
/** `PATCH /v1/auth/me`. */
export type UpdateMeBody = Static<typeof S.UpdateMeBody>;
/** `POST /v1/auth/widget-sessions` (partner's secret key, server to server). */
export type WidgetSessionBody = Static<typeof S.WidgetSessionBody>;
/** `PUT /v1/auth/consents/:partnerId`. */
export type GrantConsentBody = Static<typeof C.GrantConsentBody>;

// ——— responses ———

/** `GET /v1/auth/me` (and `PATCH`): the signed-in fan. */
export type User = Static<typeof S.User>;
/** `POST /v1/auth/signup`, `/login`, `/refresh`: `expiresIn` in seconds. */
export type TokenPair = Static<typeof S.TokenPair>;
/** `POST /v1/auth/widget-sessions`: a short-lived token for the partner's user. */
export type WidgetSession = Static<typeof S.WidgetSession>;
/** `GET /v1/partners/publishable-keys/:pk`: the partner behind a publishable key and its allowed origins. */
export type PublishableKeyInfo = Static<typeof S.PublishableKeyInfo>;
/** One of the fan's sessions (`GET /v1/auth/sessions`). */
export type SessionView = Static<typeof Sessions.SessionView>;
/** `GET /v1/auth/sessions`. */
export type SessionPage = Static<typeof Sessions.SessionPage>;
/** A partner the fan let read their data (`GET /v1/auth/consents/:partnerId`). */
export type Consent = Static<typeof C.Consent>;
/** `GET /v1/auth/consents`. */
export type ConsentPage = Static<typeof C.ConsentPage>;
