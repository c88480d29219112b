import type { IdentityPort } from '@pcf/identity/port';
import { TtlCache } from '@pcf/kernel';
import type { FastifyRequest } from 'fastify';
import type { Locale } from './catalogue.service.ts';

/** ?locale= wins; else the signed-in fan's locale (asked of identity, cached a minute); else French. */
export class LocaleResolver {
  readonly #cache = new TtlCache<string, Locale>(60_000);

  constructor(private readonly identity: () => IdentityPort) {}

  async resolve(request: FastifyRequest, requested: Locale | undefined): Promise<Locale> {
    if (requested) return requested;
    const principal = request.principal;
    if (!principal || principal.kind === 'partner_key') return 'fr';
    const cached = this.#cache.get(principal.userId);
    if (cached) return cached;
    const user = await this.identity()
      .findUser(principal.userId)
      .catch(() => null);
    const locale = user?.locale ?? 'fr';
    this.#cache.set(principal.userId, locale);
    return locale;
  }
}
