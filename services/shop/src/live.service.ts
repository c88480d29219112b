import { createHash } from 'node:crypto';
import type { CatalogueService } from './catalogue.service.ts';
import { eur, iso } from './money.ts';
import type { LivePinRow, LiveSessionRow, PromotionsRepository } from './promotions.repository.ts';
import { liveNotFound } from './shop.errors.ts';
import type { LiveSession } from './shop.schema.ts';

/** Who joins a live session: the signed-in user, else the widget's anonymous viewer id, and the client address. */
export interface Viewer {
  userId?: string | undefined;
  viewerId?: string | undefined;
  address: string;
}

/** Only an http(s) stream URL is shown (older rows may hold anything); null otherwise. */
export function safeStreamUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

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

  /**
   * A viewer joins a live session; each viewer is counted once per session, however often it joins: a signed-in
   * fan by user id, an anonymous one by the widget's random `viewerId` (one per widget page), else by network
   * address. Throws live_not_found (404).
   */
  async join(id: string, viewer: Viewer): Promise<{ liveId: string; viewers: number }> {
    const key = viewer.userId
      ? `user:${viewer.userId}`
      : viewer.viewerId
        ? `anonymous:${viewer.viewerId}`
        : `address:${viewer.address}`;
    const viewers = await this.promotions.join(id, createHash('sha256').update(key).digest('hex'));
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
    streamUrl: safeStreamUrl(s.streamUrl),
    products: pins
      .filter((p) => p.liveId === s.id)
      .map((p) => ({ productId: p.productId, variantId: p.variantId, livePrice: eur(p.livePrice) })),
  };
}
