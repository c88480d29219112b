import { Type } from '@sinclair/typebox';

export const SessionView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: Type.Union([Type.Literal('password'), Type.Literal('widget')], {
    description: "password: signed in with email and password; widget: minted by a partner's secret key",
  }),
  partner: Type.Union(
    [Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() }), Type.Null()],
    {
      description: 'The partner whose widget session this is',
    },
  ),
  current: Type.Boolean({ description: 'The session of the token making this request' }),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

export const SessionPage = Type.Object({
  data: Type.Array(SessionView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const SessionParams = Type.Object({ sessionId: Type.String({ format: 'uuid' }) });
