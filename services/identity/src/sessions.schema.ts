import { PagedResponse, Uuid, uuidParams } from '@pcf/kernel';
import { Type } from '@sinclair/typebox';

export const SessionView = Type.Object({
  id: Uuid,
  kind: Type.Union([Type.Literal('password'), Type.Literal('widget')], {
    description: "password: signed in with email and password; widget: minted by a partner's secret key",
  }),
  partner: Type.Union([Type.Object({ id: Uuid, name: Type.String() }), Type.Null()], {
    description: 'The partner whose widget session this is',
  }),
  current: Type.Boolean({ description: 'The session of the token making this request' }),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

export const SessionPage = PagedResponse(SessionView);

export const SessionParams = uuidParams('sessionId');
