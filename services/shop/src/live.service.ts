import type { CatalogueService } from './catalogue.service.ts';
import { eur, iso } from './money.ts';
import type { LivePinRow, LiveSessionRow, PromotionsRepository } from './promotions.repository.ts';
import { liveNotFound } from './shop.errors.ts';
import type { LiveSession } from './shop.schema.ts';

/** Live shopping sessions as fans see them; pinned products' live prices apply in carts while live. */
export class LiveService {
  constructor(
    private readonly promotions: PromotionsRepository,
    private readonly catalogue: CatalogueService,
  ) {}

  async list(slug: string): Promise<{ data: LiveSession[] }> {
    const club = await this.catalogue.club(slug);
    return { data: await this.views(await this.promotions.listLive(club.partnerId)) };
  }

  async get(id: string): Promise<LiveSession> {
    const live = await this.promotions.findLive(id);
    if (!live) throw liveNotFound();
    const [view] = await this.views([live]);
    return view!;
  }

  async join(id: string): Promise<{ liveId: string; viewers: number }> {
    const viewers = await this.promotions.join(id);
    if (viewers === undefined) throw liveNotFound();
    return { liveId: id, viewers };
  }

  async views(sessions: LiveSessionRow[]): Promise<LiveSession[]> {
    const pins = await this.promotions.pinsOf(sessions.map((s) => s.id));
    return sessions.map((s) => liveView(s, pins));
  }
}

export function liveView(s: LiveSessionRow, pins: LivePinRow[]): LiveSession {
  return {
    id: s.id,
    title: s.title,
    startsAt: iso(s.startsAt),
    endsAt: iso(s.endsAt),
    isLive: s.isLive,
    viewers: s.viewers,
    streamUrl: s.streamUrl,
    products: pins
      .filter((p) => p.liveId === s.id)
      .map((p) => ({ productId: p.productId, variantId: p.variantId, livePrice: eur(p.livePrice) })),
  };
}
