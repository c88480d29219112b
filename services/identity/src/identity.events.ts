import { defineTopic, Uuid } from '@pcf/kernel';
import { Type } from '@sinclair/typebox';
import { DisplayCurrency, Locale, Role } from './identity.schema.ts';

/**
 * The topics identity publishes (imported by consumers as `@pcf/identity/events`). docs/events.md is generated from
 * these declarations: `npm run docs:events`.
 */

export const userRegistered = defineTopic(
  'identity.user_registered',
  Type.Object({
    userId: Uuid,
    role: Role,
    handle: Type.String({ description: 'Public handle (`/pay/@handle`)' }),
    locale: Locale,
    displayCurrency: DisplayCurrency,
  }),
  {
    version: 1,
    description:
      'a fan, partner admin or platform admin account is created (sign-up, widget session for a new external id, ' +
      'partner creation, demo seed)',
  },
);

export const partnerCreated = defineTopic(
  'identity.partner_created',
  Type.Object({
    partnerId: Uuid,
    slug: Type.String({ description: 'URL name of the club, unique (e.g. `as-monaco`)' }),
    name: Type.String({ description: 'Display name of the club' }),
  }),
  {
    version: 1,
    description: 'a platform admin creates a partner (a club), or the demo seed creates AS Monaco and PSG',
  },
);
