import { randomBytes } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, DomainError, NotFoundError, UnprocessableError } from '../src/errors.ts';
import { createHttpApp } from '../src/http/app.ts';
import { requireServiceToken } from '../src/http/internal-guard.ts';
import { IdempotencyKey, Nullable, strict, Uuid } from '../src/http/schemas.ts';
import { InternalHttpClient } from '../src/internal-client.ts';
import { declarePort, type PortOf } from '../src/port/declare.ts';
import { portClient } from '../src/port/http-client.ts';
import { portRoutes } from '../src/port/http-routes.ts';
import { localPort } from '../src/port/local.ts';

const Reservation = Type.Object({
  reservationId: Uuid,
  userId: Uuid,
  seats: Type.Integer(),
  status: Type.Union([Type.Literal('held'), Type.Literal('released')]),
  note: Nullable(Type.String()),
});
type Reservation = Static<typeof Reservation>;

/** A port shaped like the ones services declare: bodies, path parameters, a query string, nulls, booleans. */
const seatsPort = declarePort('tickets', {
  reserve: {
    method: 'POST',
    path: '/reservations',
    input: Type.Object(
      {
        idempotencyKey: IdempotencyKey,
        userId: Uuid,
        seats: Type.Integer({ minimum: 1, maximum: 10 }),
        note: Type.Optional(Type.String({ maxLength: 20 })),
      },
      strict,
    ),
    output: Reservation,
  },
  release: {
    method: 'POST',
    path: '/reservations/:reservationId/release',
    input: Type.Object(
      { reservationId: Uuid, reason: Type.Optional(Type.String({ maxLength: 50 })) },
      strict,
    ),
    output: Reservation,
  },
  getReservation: {
    method: 'GET',
    path: '/reservations/:reservationId',
    input: Type.Object({ reservationId: Uuid }, strict),
    args: ['reservationId'],
    output: Nullable(Reservation),
    notFound: { code: 'reservation_not_found', resource: 'Reservation' },
  },
  countSeats: {
    method: 'GET',
    path: '/users/:userId/seats',
    input: Type.Object(
      { userId: Uuid, status: Type.Optional(Type.Union([Type.Literal('held'), Type.Literal('released')])) },
      strict,
    ),
    output: Type.Integer(),
  },
  lookup: {
    method: 'POST',
    path: '/lookup',
    input: Type.Object({ note: Type.String({ maxLength: 20 }) }, strict),
    args: ['note'],
    output: Nullable(Reservation),
  },
  isOpen: { method: 'POST', path: '/open', input: Type.Object({}, strict), args: [], output: Type.Boolean() },
});
type SeatsPort = PortOf<typeof seatsPort>;

/** An implementation with deterministic ids, so two fresh instances answer the same calls identically. */
class Seats implements SeatsPort {
  readonly #byKey = new Map<string, Reservation>();
  readonly #byId = new Map<string, Reservation>();

  async reserve(request: Parameters<SeatsPort['reserve']>[0]): Promise<Reservation> {
    const replay = this.#byKey.get(request.idempotencyKey);
    if (replay) return replay;
    const held = [...this.#byId.values()].filter((r) => r.userId === request.userId && r.status === 'held');
    if (held.reduce((sum, r) => sum + r.seats, 0) + request.seats > 10) {
      throw new UnprocessableError('At most 10 seats per fan', 'too_many_seats', { limit: 10 });
    }
    const id = `00000000-0000-4000-8000-${String(this.#byId.size + 1).padStart(12, '0')}`;
    const reservation: Reservation = {
      reservationId: id,
      userId: request.userId,
      seats: request.seats,
      status: 'held',
      note: request.note ?? null,
    };
    this.#byKey.set(request.idempotencyKey, reservation);
    this.#byId.set(id, reservation);
    return reservation;
  }

  async release(request: { reservationId: string; reason?: string }): Promise<Reservation> {
    const reservation = this.#byId.get(request.reservationId);
    if (!reservation) throw new NotFoundError('Reservation', 'reservation_not_found');
    if (reservation.status === 'released') throw new ConflictError('Already released', 'already_released');
    const released = { ...reservation, status: 'released' as const };
    this.#byId.set(released.reservationId, released);
    return released;
  }

  async getReservation(reservationId: string): Promise<Reservation | null> {
    return this.#byId.get(reservationId) ?? null;
  }

  async countSeats(query: { userId: string; status?: 'held' | 'released' }): Promise<number> {
    return [...this.#byId.values()]
      .filter((r) => r.userId === query.userId && (!query.status || r.status === query.status))
      .reduce((sum, r) => sum + r.seats, 0);
  }

  async lookup(note: string): Promise<Reservation | null> {
    return [...this.#byId.values()].find((r) => r.note === note) ?? null;
  }

  async isOpen(): Promise<boolean> {
    return this.#byId.size < 3;
  }
}

type Outcome =
  | { ok: unknown }
  | { error: { category: string; code: string; message: string; extra: Record<string, unknown> } };

async function outcome(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await call() };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return {
      error: { category: error.category, code: error.code, message: error.message, extra: error.extra },
    };
  }
}

const FAN = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const FIRST = '00000000-0000-4000-8000-000000000001';
const MISSING = '99999999-9999-4999-8999-999999999999';

/**
 * The same calls, valid and not, in the same order: every binding of the port must answer them alike. Inputs
 * the types forbid are passed as `never`, as an untyped caller could.
 */
const scenario: ((port: SeatsPort) => Promise<unknown>)[] = [
  (p) => p.isOpen(),
  (p) => p.reserve({ idempotencyKey: 'k1', userId: FAN, seats: 4, note: 'front row' }),
  (p) => p.reserve({ idempotencyKey: 'k1', userId: FAN, seats: 4, note: 'front row' }),
  (p) => p.reserve({ idempotencyKey: 'k2', userId: FAN, seats: 7 }),
  (p) => p.reserve({ idempotencyKey: 'k3', userId: OTHER, seats: 2 }),
  (p) => p.getReservation(FIRST),
  (p) => p.getReservation(MISSING),
  (p) => p.lookup('front row'),
  (p) => p.lookup('nobody'),
  (p) => p.countSeats({ userId: FAN }),
  (p) => p.countSeats({ userId: FAN, status: 'released' }),
  (p) => p.release({ reservationId: FIRST, reason: 'changed plans' }),
  (p) => p.release({ reservationId: FIRST }),
  (p) => p.release({ reservationId: MISSING }),
  (p) => p.countSeats({ userId: FAN, status: 'released' }),
  (p) => p.isOpen(),
  // Invalid input: wrong types, unknown fields, missing fields, bad formats, forbidden text.
  (p) => p.reserve({ idempotencyKey: 'k4', userId: FAN, seats: 11 }),
  (p) => p.reserve({ idempotencyKey: 'k4', userId: 'not-a-uuid', seats: '2' as never }),
  (p) => p.reserve({ idempotencyKey: '', userId: FAN, seats: 1, extra: true } as never),
  (p) => p.reserve({ userId: FAN, seats: 1 } as never),
  (p) => p.reserve({ idempotencyKey: 'k5', userId: FAN, seats: 1, note: 'nul\u0000byte' }),
  (p) => p.getReservation('not-a-uuid'),
  (p) => p.release({ reservationId: FIRST, reason: 'x'.repeat(51) }),
];

describe('a port declaration drives its in-process binding, HTTP client and internal routes alike', () => {
  const token = randomBytes(32).toString('hex');
  let app: FastifyInstance;
  let url: string;
  let remote: SeatsPort;
  const remoteImplementation = new Seats();

  beforeAll(async () => {
    app = createHttpApp({ logLevel: 'silent', bodyLimit: 65_536, trustProxy: false });
    await app.register(
      async (scope) => {
        requireServiceToken(scope, token);
        await scope.register(portRoutes(seatsPort, remoteImplementation));
      },
      { prefix: '/internal/tickets' },
    );
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    remote = portClient(seatsPort, new InternalHttpClient('tickets', url, token));
  });
  afterAll(() => app.close());

  it('gives the same outputs and the same domain errors for the same calls', async () => {
    const local = localPort(seatsPort, new Seats());
    for (const [i, call] of scenario.entries()) {
      const inProcess = await outcome(() => call(local));
      const overHttp = await outcome(() => call(remote));
      expect({ step: i, ...overHttp }).toEqual({ step: i, ...inProcess });
    }
  });

  it('answers what the declared output schema describes', async () => {
    const local = localPort(seatsPort, new Seats());
    const made = await local.reserve({ idempotencyKey: 'shape', userId: FAN, seats: 1 });
    expect(made).toMatchObject({ userId: FAN, seats: 1, status: 'held', note: null });
    expect(typeof (await remote.isOpen())).toBe('boolean');
    expect(await remote.getReservation(MISSING)).toBeNull();
  });

  it('rejects invalid input in process exactly as over HTTP: 400 validation_failed naming the fields', async () => {
    const local = localPort(seatsPort, new Seats());
    const bad = { idempotencyKey: 'k', userId: 'nope', seats: 0 };
    const inProcess = await outcome(() => local.reserve(bad));
    expect(inProcess).toMatchObject({
      error: {
        category: 'validation',
        code: 'validation_failed',
        extra: {
          errors: expect.arrayContaining([
            expect.objectContaining({ field: 'userId' }),
            expect.objectContaining({ field: 'seats' }),
          ]),
        },
      },
    });
    expect(await outcome(() => remote.reserve(bad))).toEqual(inProcess);
  });

  it('answers invalid input on the HTTP side as a 400 problem, before the implementation runs', async () => {
    const before = await remoteImplementation.countSeats({ userId: OTHER });
    const response = await fetch(`${url}/internal/tickets/reservations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pcf-service-token': token },
      body: JSON.stringify({ idempotencyKey: 'k9', userId: OTHER, seats: 'many' }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await response.json()).toMatchObject({
      status: 400,
      code: 'validation_failed',
      errors: [{ field: 'seats', message: 'must be integer' }],
    });
    expect(await remoteImplementation.countSeats({ userId: OTHER })).toBe(before);

    const badParam = await fetch(`${url}/internal/tickets/reservations/not-a-uuid`, {
      headers: { 'x-pcf-service-token': token },
    });
    expect(badParam.status).toBe(400);
    expect(await badParam.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'reservationId' }],
    });
  });

  it('turns a declared not-found answer into a 404 on the wire and back into null', async () => {
    const response = await fetch(`${url}/internal/tickets/reservations/${MISSING}`, {
      headers: { 'x-pcf-service-token': token },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'reservation_not_found' });
    expect(await remote.getReservation(MISSING)).toBeNull();
  });

  it('keeps the internal routes behind the service token', async () => {
    const intruder = portClient(seatsPort, new InternalHttpClient('tickets', url, 'x'.repeat(64)));
    await expect(intruder.isOpen()).rejects.toMatchObject({ code: 'invalid_service_token' });
  });

  it('reports an unreachable service as 503 <service>_unavailable', async () => {
    const gone = portClient(seatsPort, new InternalHttpClient('tickets', 'http://127.0.0.1:9', token));
    await expect(gone.isOpen()).rejects.toMatchObject({
      category: 'unavailable',
      code: 'tickets_unavailable',
    });
  });

  it('refuses a declaration whose args or path name a field its input lacks, or whose args miss one', () => {
    expect(() =>
      declarePort('tickets', {
        get: {
          method: 'GET',
          path: '/things/:thingId',
          input: Type.Object({ id: Uuid }),
          output: Type.Null(),
        },
      }),
    ).toThrow(/thingId/);
    expect(() =>
      declarePort('tickets', {
        get: {
          method: 'POST',
          path: '/things',
          input: Type.Object({ id: Uuid }),
          args: ['key'],
          output: Type.Null(),
        },
      }),
    ).toThrow(/"key"/);
    expect(() =>
      declarePort('tickets', {
        get: {
          method: 'POST',
          path: '/things',
          input: Type.Object({ id: Uuid, note: Type.Optional(Type.String()) }),
          args: ['id'],
          output: Type.Null(),
        },
      }),
    ).toThrow(/not its input's note/);
  });
});
