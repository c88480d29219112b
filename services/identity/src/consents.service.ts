import { decodeTimeCursor, type Page, toPage } from '@pcf/kernel';
import { consentNotFound } from './consents.errors.ts';
import type { ConsentsRepository } from './consents.repository.ts';
import type { Consent } from './consents.schema.ts';
import { partnerNotFound } from './identity.errors.ts';
import type { PartnersRepository } from './partners.repository.ts';

export interface ConsentsServiceDeps {
  consents: ConsentsRepository;
  partners: Pick<PartnersRepository, 'findPartner'>;
}

/**
 * A fan's consents to partners: what a partner's pages may read through the SDK (balance, history, cart) about a
 * fan who signed in inside one of our widgets on them. Granted once per partner (the widget's consent screen, or
 * this API), listed and revoked by the fan; a partner's own widget sessions need none. The widget enforces it
 * (see packages/widget-kit/src/host-consent.ts); this service is the record.
 */
export class ConsentsService {
  constructor(private readonly deps: ConsentsServiceDeps) {}

  /** The fan's consents, newest first (`limit` 1–100, cursor from the previous page). @throws 400 bad cursor */
  async list(userId: string, limit: number, cursor?: string): Promise<Page<Consent>> {
    const after = cursor ? decodeTimeCursor(cursor) : undefined;
    const page = toPage(await this.deps.consents.list(userId, limit, after), limit, (c) => [
      c.cursorAt,
      c.partnerId,
    ]);
    return { data: page.data.map(({ cursorAt: _c, ...consent }) => consent), nextCursor: page.nextCursor };
  }

  /** The fan's consent to this partner. @throws 404 `consent_not_found` */
  async get(userId: string, partnerId: string): Promise<Consent> {
    const consent = await this.deps.consents.find(userId, partnerId);
    if (!consent) throw consentNotFound();
    return consent;
  }

  /**
   * Grants this partner read access (idempotent: a second grant keeps the first, its time and origin).
   * `origin`: the page it was granted on, informational. Returns the consent and whether it is new.
   * @throws 404 `partner_not_found`
   */
  async grant(
    userId: string,
    partnerId: string,
    origin: string | null,
  ): Promise<{ consent: Consent; created: boolean }> {
    if (!(await this.deps.partners.findPartner(partnerId))) throw partnerNotFound();
    const created = await this.deps.consents.insert(userId, partnerId, origin);
    return { consent: await this.get(userId, partnerId), created };
  }

  /** Withdraws it: the partner's pages must ask again. @throws 404 `consent_not_found` when there was none */
  async revoke(userId: string, partnerId: string): Promise<void> {
    if (!(await this.deps.consents.delete(userId, partnerId))) throw consentNotFound();
  }
}
