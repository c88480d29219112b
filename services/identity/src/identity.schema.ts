import { SecretString, Uuid, uuidParams } from '@pcf/kernel';
import { type Static, Type } from '@sinclair/typebox';

const strict = { additionalProperties: false } as const;

export const Email = Type.String({ format: 'email', maxLength: 254, description: 'Email address' });
export const Password = SecretString({
  minLength: 10,
  maxLength: 256,
  description: 'At least 10 characters, and not guessable (400 weak_password)',
});
export const DisplayName = Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' });
export const Locale = Type.Union([Type.Literal('fr'), Type.Literal('en')]);
export const DisplayCurrency = Type.Union([Type.Literal('EUR'), Type.Literal('USD')]);
export const Role = Type.Union([
  Type.Literal('fan'),
  Type.Literal('partner_admin'),
  Type.Literal('platform_admin'),
]);
// The shared id schema, re-exported for the service's other schema files.
export { Uuid };
export const Origin = Type.String({
  pattern: '^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$',
  maxLength: 255,
  description: 'Browser origin: scheme://host[:port], no path',
});

export const SignupBody = Type.Object({ email: Email, password: Password, displayName: DisplayName }, strict);
export type SignupBody = Static<typeof SignupBody>;

export const LoginBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: SecretString({ minLength: 1, maxLength: 256 }),
  },
  strict,
);
export type LoginBody = Static<typeof LoginBody>;

export const RefreshBody = Type.Object(
  { refreshToken: Type.String({ minLength: 20, maxLength: 200 }) },
  strict,
);
export type RefreshBody = Static<typeof RefreshBody>;

export const User = Type.Object({
  id: Uuid,
  email: Type.Union([Email, Type.Null()]),
  displayName: Type.String(),
  handle: Type.String({ description: 'Public handle, e.g. for receiving money' }),
  role: Role,
  partnerId: Type.Union([Uuid, Type.Null()]),
  favouriteClub: Type.Union([Type.String(), Type.Null()]),
  locale: Locale,
  displayCurrency: DisplayCurrency,
  createdAt: Type.String({ format: 'date-time' }),
});
export type User = Static<typeof User>;

export const TokenPair = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  expiresIn: Type.Integer({ description: 'Seconds until the access token expires' }),
  tokenType: Type.Literal('Bearer'),
  user: User,
});
export type TokenPair = Static<typeof TokenPair>;

export const UpdateMeBody = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    favouriteClub: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 80 }), Type.Null()])),
    locale: Type.Optional(Locale),
    displayCurrency: Type.Optional(DisplayCurrency),
  },
  { ...strict, minProperties: 1 },
);
export type UpdateMeBody = Static<typeof UpdateMeBody>;

export const Partner = Type.Object({
  id: Uuid,
  name: Type.String(),
  slug: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Partner = Static<typeof Partner>;

export const CreatePartnerBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    slug: Type.String({
      pattern: '^[a-z0-9][a-z0-9-]{1,40}$',
      description: 'Club identifier, e.g. "monaco"',
    }),
    admin: Type.Object({ email: Email, password: Password, displayName: DisplayName }, strict),
  },
  strict,
);
export type CreatePartnerBody = Static<typeof CreatePartnerBody>;

export const KeyKind = Type.Union([Type.Literal('publishable'), Type.Literal('secret')]);
export const KeyMode = Type.Union([Type.Literal('live'), Type.Literal('test')]);

export const CreateKeyBody = Type.Object(
  {
    kind: KeyKind,
    mode: Type.Optional(KeyMode),
    allowedOrigins: Type.Optional(Type.Array(Origin, { maxItems: 50, uniqueItems: true })),
    label: Type.Optional(Type.String({ maxLength: 120 })),
  },
  strict,
);
export type CreateKeyBody = Static<typeof CreateKeyBody>;

export const ApiKey = Type.Object({
  id: Uuid,
  partnerId: Uuid,
  kind: KeyKind,
  mode: KeyMode,
  publishableKey: Type.Union([Type.String(), Type.Null()]),
  secretLast4: Type.Union([Type.String(), Type.Null()]),
  allowedOrigins: Type.Array(Type.String()),
  label: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type ApiKey = Static<typeof ApiKey>;

export const CreatedApiKey = Type.Intersect([
  ApiKey,
  Type.Object({
    secret: Type.Union([Type.String({ description: 'Shown once; store it now' }), Type.Null()]),
  }),
]);

export const PartnerKeyParams = Type.Object({ partnerId: Uuid, keyId: Uuid });
export const PartnerParams = uuidParams('partnerId');

export const WidgetSessionBody = Type.Object(
  {
    externalUserId: Type.String({
      minLength: 1,
      maxLength: 200,
      description: "The fan's id in the partner's system",
    }),
    email: Type.Optional(Email),
    displayName: DisplayName,
  },
  strict,
);
export type WidgetSessionBody = Static<typeof WidgetSessionBody>;

export const WidgetSession = Type.Object({
  token: Type.String({ description: 'Short-lived widget session token; hand it to the SDK in memory' }),
  expiresIn: Type.Integer(),
  user: User,
});

export const PublishableKeyInfo = Type.Object({
  partnerId: Uuid,
  partnerName: Type.String(),
  partnerSlug: Type.String(),
  mode: KeyMode,
  allowedOrigins: Type.Array(Type.String()),
});
export type PublishableKeyInfo = Static<typeof PublishableKeyInfo>;
