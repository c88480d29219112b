import { randomUUID } from 'node:crypto';
import type { IdentityPort, UserSummary } from '@pcf/identity/port';
import {
  ASSET_SCALES,
  ASSETS,
  type Asset,
  type Database,
  decodeTimeCursor,
  formatMinor,
  maxAmountMinor,
  type OperationKey,
  type Page,
  type PortResolver,
  parseMoney,
  type Queryable,
  type RateLimitStore,
  TtlCache,
  toPage,
} from '@pcf/kernel';
import type { ActivityRecord, ActivityRepository, Counterparty } from './activity.repository.ts';
import { activityLabel } from './activity-label.ts';
import type { LedgerRepository } from './ledger.repository.ts';
import type { Ledger } from './ledger.service.ts';
import type { Operations } from './operations.ts';
import type { PaymentsRepository } from './payments.repository.ts';
import { convertMinor, type PriceFeed, rateText } from './prices.ts';
import {
  cannotSendToSelf,
  conversionTooLarge,
  conversionTooSmall,
  quoteExpired,
  quoteNotFound,
  quoteUsed,
  recipientNotFound,
  sameAsset,
  tooManyRecipientLookups,
} from './wallet.errors.ts';
import type { ActivityItem, Quote, QuoteBody, SendBody } from './wallet.schema.ts';

const ASSET_NAMES: Record<Asset, string> = {
  EUR: 'Euro',
  USD: 'US Dollar',
  USDC: 'USD Coin',
  BTC: 'Bitcoin',
  ETH: 'Ether',
};
const QUOTE_TTL_SECONDS = 30;
/**
 * Look-ups of recipients by email or @handle, per fan: a fan may look up this many *new* references (ones not
 * resolved for them in the window) per window; then 429. Against account enumeration through sends ("does
 * this email have an account?"). Look-ups by user id (unguessable) and repeats of a known reference are free.
 */
export const RECIPIENT_LOOKUPS = { limit: 20, windowMs: 15 * 60_000 } as const;

export interface WalletServiceDeps {
  db: Database;
  ledger: Ledger;
  ledgerRepository: LedgerRepository;
  activity: ActivityRepository;
  payments: PaymentsRepository;
  operations: Operations;
  ports: PortResolver;
  prices: PriceFeed;
  publicUrl: string;
  /** Counters for the recipient look-up limit (shared by every process with Redis). */
  rateLimits: RateLimitStore;
}

/** What a fan does with their own wallet: balances, history, sending, receiving, converting. */
export class WalletService {
  readonly #users = new TtlCache<string, UserSummary>(60_000);
  /** `${fan}\n${reference}` → the reference resolved for that fan in the current look-up window. */
  readonly #resolved = new TtlCache<string, true>(RECIPIENT_LOOKUPS.windowMs, 50_000);

  constructor(private readonly deps: WalletServiceDeps) {}

  async balance(userId: string, currency?: 'EUR' | 'USD') {
    const display = currency ?? (await this.#user(userId)).displayCurrency;
    const assets = await this.#assetBalances(userId, display);
    const total = assets.reduce((sum, a) => sum + a.valueMinor, 0n);
    return {
      balance: formatMinor(total, display),
      currency: display,
      assets: assets.map(({ valueMinor: _v, ...rest }) => rest),
    };
  }

  async assets(userId: string, currency?: 'EUR' | 'USD') {
    const display = currency ?? (await this.#user(userId)).displayCurrency;
    const balances = await this.#assetBalances(userId, display);
    return {
      data: balances.map((b) => ({
        asset: b.asset,
        name: ASSET_NAMES[b.asset],
        decimals: ASSET_SCALES[b.asset],
        kind: b.asset === 'EUR' || b.asset === 'USD' ? ('fiat' as const) : ('crypto' as const),
        balance: b.balance,
        available: b.available,
        priceEur: fractionText(this.deps.prices.priceInEur(b.asset)),
        value: b.value,
      })),
    };
  }

  async transactions(
    userId: string,
    query: { limit?: number; offset?: number; cursor?: string },
  ): Promise<Page<ActivityItem>> {
    const limit = query.limit ?? 20;
    const after = query.cursor ? decodeTimeCursor(query.cursor) : undefined;
    const rows = await this.deps.activity.list(userId, limit, { after, offset: after ? 0 : query.offset });
    const page = toPage(rows, limit, (r) => [r.cursorAt, r.id]);
    return { data: page.data.map(toItem), nextCursor: page.nextCursor };
  }

  /**
   * One statement posts the transfer, both history rows, the events and the idempotency record
   * (Ledger.postOperation): no transaction is held open across round trips, and the accounts stay locked only
   * while the server runs that statement.
   */
  async send(userId: string, body: SendBody, idempotencyKey: OperationKey): Promise<ActivityItem> {
    const amount = parseMoney(body.amount, body.asset);
    const sender = await this.#user(userId);
    const recipient = await this.#recipient(userId, body.to);
    if (!recipient) throw recipientNotFound();
    if (recipient.id === userId) throw cannotSendToSelf();
    const note = body.note ?? null;
    const request = { to: recipient.id, amount: amount.minor, asset: amount.asset, note };
    return this.deps.operations.runAtomic(`send:${userId}`, idempotencyKey, request, async (operation) => {
      const transactionId = randomUUID();
      const sent = {
        id: randomUUID(),
        userId,
        type: 'send' as const,
        asset: amount.asset,
        amount: -amount.minor,
        counterparty: fanParty(recipient),
        reference: null,
        note,
      };
      const received = {
        id: randomUUID(),
        userId: recipient.id,
        type: 'receive' as const,
        asset: amount.asset,
        amount: amount.minor,
        counterparty: fanParty(sender),
        reference: null,
        note,
      };
      // The stored result is the sender's history row; the statement fills in createdAt (its created_at).
      const item = toItem({
        ...sent,
        status: 'completed',
        transactionId,
        sourceId: null,
        createdAt: '',
        cursorAt: '',
      });
      const { result, changes } = await this.deps.ledger.postOperation({
        operation: { ...operation, result: item, stampField: 'createdAt' },
        transactionId,
        kind: 'transfer',
        reference: note,
        legs: [
          { ownerType: 'fan', ownerId: userId, asset: amount.asset, amount: -amount.minor },
          { ownerType: 'fan', ownerId: recipient.id, asset: amount.asset, amount: amount.minor },
        ],
        activity: [sent, received],
      });
      return { result: result as ActivityItem, changes };
    });
  }

  /**
   * Who a send to `reference` (user id, email or @handle) would pay, so the fan sees the name before confirming.
   * Counts against the same RECIPIENT_LOOKUPS budget as a send (429 once spent); throws recipient_not_found, or a
   * validation error for the fan themselves.
   */
  async lookupRecipient(userId: string, reference: string) {
    const recipient = await this.#recipient(userId, reference);
    if (!recipient) throw recipientNotFound();
    if (recipient.id === userId) throw cannotSendToSelf();
    return { id: recipient.id, displayName: recipient.displayName, handle: recipient.handle };
  }

  async receive(userId: string) {
    const user = await this.#user(userId);
    const paymentLink = `${this.deps.publicUrl}/pay/@${encodeURIComponent(user.handle)}`;
    // Loaded at the first receive page, not at start-up.
    const { default: QRCode } = await import('qrcode');
    const qrSvg = await QRCode.toString(paymentLink, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { userId, handle: user.handle, displayName: user.displayName, paymentLink, qrSvg };
  }

  async quote(userId: string, body: QuoteBody): Promise<Quote> {
    if (body.from === body.to) throw sameAsset();
    const from = parseMoney(body.amount, body.from);
    const to = body.to as Asset;
    const toMinor = convertMinor(this.deps.prices, from.minor, from.asset, to);
    if (toMinor <= 0n) throw conversionTooSmall(to);
    if (toMinor > maxAmountMinor(to)) throw conversionTooLarge(to, toMinor);
    const quote = await this.deps.payments.insertQuote(this.deps.db, {
      id: randomUUID(),
      userId,
      fromAsset: from.asset,
      toAsset: to,
      fromAmount: from.minor,
      toAmount: toMinor,
      rate: rateText(this.deps.prices, from.asset, to),
      ttlSeconds: QUOTE_TTL_SECONDS,
    });
    return {
      id: quote.id,
      from: { amount: formatMinor(quote.fromAmount, quote.fromAsset), asset: quote.fromAsset },
      to: { amount: formatMinor(quote.toAmount, quote.toAsset), asset: quote.toAsset },
      rate: quote.rate,
      expiresAt: quote.expiresAt,
    };
  }

  /** Executes a quote: four entries in one transaction (fan → FX desk in one asset, FX desk → fan in the other). */
  async convert(userId: string, quoteId: string, idempotencyKey: OperationKey): Promise<ActivityItem[]> {
    return this.deps.operations.run(`convert:${userId}`, idempotencyKey, { quoteId }, async (tx) => {
      const quote = await this.deps.payments.lockQuote(tx, userId, quoteId);
      if (!quote) throw quoteNotFound();
      if (quote.transactionId) throw quoteUsed();
      if (quote.expired) throw quoteExpired();
      const { transactionId, changes } = await this.deps.ledger.apply(tx, {
        kind: 'conversion',
        reference: `quote:${quote.id}`,
        metadata: { rate: quote.rate },
        legs: [
          { ownerType: 'fan', ownerId: userId, asset: quote.fromAsset, amount: -quote.fromAmount },
          { ownerType: 'system', ownerId: 'fx', asset: quote.fromAsset, amount: quote.fromAmount },
          { ownerType: 'system', ownerId: 'fx', asset: quote.toAsset, amount: -quote.toAmount },
          { ownerType: 'fan', ownerId: userId, asset: quote.toAsset, amount: quote.toAmount },
        ],
      });
      await this.deps.payments.markQuoteUsed(tx, quote.id, transactionId!);
      const exchange: Counterparty = {
        kind: 'exchange',
        id: null,
        name: `${quote.fromAsset} → ${quote.toAsset}`,
      };
      const out = await this.#record(
        tx,
        userId,
        'conversion',
        quote.fromAsset,
        -quote.fromAmount,
        transactionId,
        exchange,
        null,
      );
      const into = await this.#record(
        tx,
        userId,
        'conversion',
        quote.toAsset,
        quote.toAmount,
        transactionId,
        exchange,
        null,
      );
      return { result: [toItem(out), toItem(into)], changes };
    });
  }

  async #assetBalances(userId: string, display: 'EUR' | 'USD') {
    const rows = new Map(
      (await this.deps.ledgerRepository.balancesOf('fan', userId)).map((r) => [r.asset, r]),
    );
    return ASSETS.map((asset) => {
      const row = rows.get(asset) ?? { posted: 0n, pending: 0n };
      const valueMinor = convertMinor(this.deps.prices, row.posted, asset, display);
      return {
        asset,
        balance: formatMinor(row.posted, asset),
        available: formatMinor(row.posted - row.pending, asset),
        pending: formatMinor(row.pending, asset),
        value: { amount: formatMinor(valueMinor, display), currency: display },
        valueMinor,
      };
    });
  }

  #record(
    tx: Queryable,
    userId: string,
    type: ActivityRecord['type'],
    asset: Asset,
    amount: bigint,
    transactionId: string | null,
    counterparty: Counterparty | null,
    note: string | null,
  ) {
    return this.deps.activity.insert(tx, {
      id: randomUUID(),
      userId,
      type,
      asset,
      amount,
      status: 'completed',
      counterparty,
      reference: null,
      note,
      transactionId,
      sourceId: null,
    });
  }

  /**
   * The recipient of a send: by user id from the cache when known (ids never change), else asked of identity.
   * A look-up by email or @handle counts against the fan's RECIPIENT_LOOKUPS budget (429 once spent) unless the
   * same reference was already resolved for this fan in the window.
   */
  async #recipient(senderId: string, reference: string): Promise<UserSummary | null> {
    const ref = reference.trim();
    const isId = /^[0-9a-f-]{36}$/i.test(ref);
    const byId = isId ? this.#users.get(ref.toLowerCase()) : undefined;
    if (byId) return byId;
    const resolvedKey = `${senderId}\n${ref.toLowerCase()}`;
    if (!isId && !this.#resolved.get(resolvedKey)) {
      const { limit, windowMs } = RECIPIENT_LOOKUPS;
      const budget = await this.deps.rateLimits.hit(`wallet:recipient-lookups:${senderId}`, limit, windowMs);
      if (!budget.allowed) throw tooManyRecipientLookups(Math.max(1, Math.ceil(budget.resetMs / 1000)));
    }
    const user = await this.deps.ports.get<IdentityPort>('identity').findUser(reference);
    if (user) {
      this.#users.set(user.id, user);
      if (!isId) this.#resolved.set(resolvedKey, true);
    }
    return user;
  }

  async #user(userId: string): Promise<UserSummary> {
    const cached = this.#users.get(userId);
    if (cached) return cached;
    const user = await this.deps.ports.get<IdentityPort>('identity').findUser(userId);
    if (!user) throw recipientNotFound();
    this.#users.set(userId, user);
    return user;
  }
}

export function toItem(record: ActivityRecord): ActivityItem {
  return {
    id: record.id,
    type: record.type,
    amount: formatMinor(record.amount, record.asset),
    asset: record.asset,
    status: record.status,
    counterparty: record.counterparty,
    label: activityLabel(record.type, record.counterparty),
    reference: record.reference,
    note: record.note,
    transactionId: record.transactionId,
    createdAt: record.createdAt,
  };
}

function fanParty(user: UserSummary): Counterparty {
  return { kind: 'fan', id: user.id, name: `${user.displayName} (@${user.handle})` };
}

function fractionText(price: { numerator: bigint; denominator: bigint }): string {
  const scale = price.denominator.toString().length - 1;
  return formatDecimal(price.numerator, scale);
}

function formatDecimal(value: bigint, scale: number): string {
  if (scale === 0) return value.toString();
  const digits = value.toString().padStart(scale + 1, '0');
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/\.?0+$/, '');
}
