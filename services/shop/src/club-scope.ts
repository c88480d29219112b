import type { Principal } from '@pcf/kernel';
import type { FastifyInstance } from 'fastify';
import type { CatalogueRepository } from './catalogue.repository.ts';
import { clubNotAllowed } from './shop.errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route names a club (`club` in body or query) or a product to buy from: ClubScope applies to it. */
    clubScoped?: boolean;
  }
}

/**
 * A widget session minted by a partner's secret key acts for that partner's fan in that partner's club only:
 * carts, discount codes and checkout in another club are 403 `club_not_allowed`. (The catalogue stays public;
 * the fan's orders and carts can only be in the partner's club, since nothing else can be put in them.)
 */
export class ClubScope {
  constructor(private readonly catalogue: CatalogueRepository) {}

  /**
   * @param target the club slug and/or product id the request names
   * @throws ForbiddenError `club_not_allowed` when a widget principal names another partner's club or product;
   *   unknown clubs and products pass (the route answers its own 404)
   */
  async assertAllowed(
    principal: Principal | null,
    target: { club?: unknown; productId?: unknown },
  ): Promise<void> {
    if (principal?.kind !== 'widget') return;
    if (typeof target.club === 'string') {
      const club = await this.catalogue.findClubBySlug(target.club);
      if (club && club.partnerId !== principal.partnerId) throw clubNotAllowed();
    }
    if (typeof target.productId === 'string' && /^[0-9a-f-]{36}$/i.test(target.productId)) {
      const product = await this.catalogue.findProduct(target.productId);
      if (product && product.partnerId !== principal.partnerId) throw clubNotAllowed();
    }
  }
}

/** Applies ClubScope to the routes declaring `config.clubScoped`, after validation (body and query are typed then). */
export function registerClubScope(app: FastifyInstance, scope: ClubScope): void {
  app.addHook('preHandler', async (request) => {
    if (request.principal?.kind !== 'widget' || !request.routeOptions.config.clubScoped) return;
    const body = (request.body ?? {}) as { club?: unknown; productId?: unknown };
    const query = (request.query ?? {}) as { club?: unknown };
    await scope.assertAllowed(request.principal, {
      club: body.club ?? query.club,
      productId: body.productId,
    });
  });
}
