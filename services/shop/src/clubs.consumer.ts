import { partnerCreated } from '@pcf/identity/events';
import { type ConsumerDefinition, defineConsumer } from '@pcf/kernel';
import type { CatalogueRepository } from './catalogue.repository.ts';

/** Keeps the shop's own club list up to date on each identity.partner_created event (the shop never reads identity's tables). */
export function clubsConsumer(catalogue: CatalogueRepository): ConsumerDefinition<typeof partnerCreated> {
  return defineConsumer({
    name: 'shop.clubs',
    topics: [partnerCreated],
    handle: async (event, tx) => {
      const { partnerId, slug, name } = event.payload;
      await catalogue.upsertClub({ partnerId, slug, name }, tx);
    },
  });
}
