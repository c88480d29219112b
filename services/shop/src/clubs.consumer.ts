import type { ConsumerDefinition } from '@pcf/kernel';
import type { CatalogueRepository } from './catalogue.repository.ts';

/** Keeps the shop's own club list up to date on each identity.partner_created event (the shop never reads identity's tables). */
export function clubsConsumer(catalogue: CatalogueRepository): ConsumerDefinition {
  return {
    name: 'shop.clubs',
    topics: ['identity.partner_created'],
    handle: async (event, tx) => {
      const { partnerId, slug, name } = event.payload as {
        partnerId?: unknown;
        slug?: unknown;
        name?: unknown;
      };
      if (typeof partnerId !== 'string' || typeof slug !== 'string') return;
      await catalogue.upsertClub({ partnerId, slug, name: typeof name === 'string' ? name : slug }, tx);
    },
  };
}
