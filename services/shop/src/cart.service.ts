import type { Database, Queryable } from '@pcf/kernel';
import type { CartItemRow, CartRepository, CartRow } from './cart.repository.ts';
import type { CatalogueRepository, ClubRow, ProductRow, VariantRow } from './catalogue.repository.ts';
import { type CatalogueService, displayPrice, imageUrl, type Locale } from './catalogue.service.ts';
import { eur } from './money.ts';
import type { LostPromotion } from './price-check.ts';
import { appliesTo, bpsToRate, type PricedCart, priceCart, shownPrice } from './pricing.ts';
import type { PromotionsRepository } from './promotions.repository.ts';
import {
  cartItemNotFound,
  invalidDiscountCode,
  outOfStock,
  productNotFound,
  variantNotFound,
  variantRequired,
} from './shop.errors.ts';
import type { AddToCartBody, Cart } from './shop.schema.ts';

export interface CartDeps {
  db: Database;
  carts: CartRepository;
  catalogue: CatalogueRepository;
  promotions: PromotionsRepository;
  catalogueService: CatalogueService;
}

/** A cart priced now, with the rows it was priced from. */
export interface PricedItems {
  priced: PricedCart;
  items: CartItemRow[];
  products: Map<string, ProductRow>;
  variants: Map<string, VariantRow>;
  /** The cart's discount code when it is usable now. */
  discountCode: string | null;
}

/** One cart per fan and club; every price in it is computed here, on the server. */
export class CartService {
  constructor(private readonly deps: CartDeps) {}

  async get(userId: string, slug: string, locale: Locale): Promise<Cart> {
    const club = await this.deps.catalogueService.club(slug);
    return this.#view(this.deps.db, club, userId, locale);
  }

  async add(userId: string, body: AddToCartBody, locale: Locale): Promise<Cart> {
    const quantity = body.quantity ?? 1;
    const club = await this.deps.db.transaction(async (tx) => {
      const product = await this.deps.catalogue.findProduct(body.productId, tx);
      if (product?.status !== 'active') throw productNotFound();
      const variant = await this.#variantToAdd(tx, product.id, body.variantId);
      const club = (await this.deps.catalogue.findClub(product.partnerId, tx))!;
      const cart = await this.deps.carts.lockOrCreate(tx, userId, club.partnerId);
      const existing = (await this.deps.carts.items(cart.id, tx)).find((i) => i.variantId === variant.id);
      const wanted = (existing?.quantity ?? 0) + quantity;
      if (wanted > variant.stock) throw outOfStock(productName(product, locale), variant.stock);
      if (wanted > 99) throw outOfStock(productName(product, locale), Math.min(variant.stock, 99));
      await this.deps.carts.setQuantity(tx, cart.id, {
        productId: product.id,
        variantId: variant.id,
        quantity: wanted,
      });
      return club;
    });
    return this.#view(this.deps.db, club, userId, locale);
  }

  /**
   * The variant a fan adds: the one named, or the product's only (non-archived) variant when none is named.
   * Throws variant_not_found (404) for an unknown, archived or foreign variant and variant_required (422) when the
   * product has several variants and none is named.
   */
  async #variantToAdd(tx: Queryable, productId: string, variantId: string | undefined): Promise<VariantRow> {
    if (variantId === undefined) {
      const variants = (await this.deps.catalogue.variantsOf([productId], tx)).filter((v) => !v.archived);
      if (variants.length === 1) return variants[0]!;
      if (variants.length === 0) throw variantNotFound();
      throw variantRequired(variants.length);
    }
    const [variant] = await this.deps.catalogue.variantsByIds([variantId], tx);
    if (!variant || variant.productId !== productId || variant.archived) throw variantNotFound();
    return variant;
  }

  async updateItem(userId: string, itemId: string, quantity: number, locale: Locale): Promise<Cart> {
    const club = await this.deps.db.transaction(async (tx) => {
      const item = await this.deps.carts.findItem(userId, itemId, tx);
      if (!item) throw cartItemNotFound();
      const club = (await this.deps.catalogue.findClub(item.partnerId, tx))!;
      const cart = await this.deps.carts.lockOrCreate(tx, userId, item.partnerId);
      if (quantity === 0) {
        await this.deps.carts.removeItem(tx, item.id);
      } else {
        const [variant] = await this.deps.catalogue.variantsByIds([item.variantId], tx);
        const product = await this.deps.catalogue.findProduct(item.productId, tx);
        if (!variant || !product) throw variantNotFound();
        if (quantity > variant.stock) throw outOfStock(productName(product, locale), variant.stock);
        await this.deps.carts.setQuantity(tx, cart.id, { ...item, quantity });
      }
      return club;
    });
    return this.#view(this.deps.db, club, userId, locale);
  }

  async removeItem(userId: string, itemId: string, locale: Locale): Promise<Cart> {
    return this.updateItem(userId, itemId, 0, locale);
  }

  async clear(userId: string, slug: string, locale: Locale): Promise<Cart> {
    const club = await this.deps.catalogueService.club(slug);
    await this.deps.db.transaction(async (tx) => {
      const cart = await this.deps.carts.lockOrCreate(tx, userId, club.partnerId);
      await this.deps.carts.clear(tx, cart.id);
    });
    return this.#view(this.deps.db, club, userId, locale);
  }

  async setDiscountCode(userId: string, slug: string, code: string | null, locale: Locale): Promise<Cart> {
    const club = await this.deps.catalogueService.club(slug);
    const normalized = code?.trim().toUpperCase() ?? null;
    if (normalized && !(await this.deps.promotions.activeCode(club.partnerId, normalized))) {
      throw invalidDiscountCode(code ?? '');
    }
    await this.deps.db.transaction(async (tx) => {
      const cart = await this.deps.carts.lockOrCreate(tx, userId, club.partnerId);
      await this.deps.carts.setDiscountCode(tx, cart.id, normalized);
    });
    return this.#view(this.deps.db, club, userId, locale);
  }

  /** Prices a cart's items now: flash sales, live prices, its discount code, the club's cashback rate. */
  async price(tx: Queryable, club: ClubRow, cart: CartRow | undefined): Promise<PricedItems> {
    const items = cart ? await this.deps.carts.items(cart.id, tx) : [];
    // Sequential: inside a transaction the statements share one connection.
    const productRows = await this.deps.catalogue.productsByIds(
      [...new Set(items.map((i) => i.productId))],
      tx,
    );
    const variantRows = await this.deps.catalogue.variantsByIds(
      items.map((i) => i.variantId),
      tx,
    );
    const flash = await this.deps.promotions.activeFlash([club.partnerId], tx);
    const live = await this.deps.promotions.livePrices([club.partnerId], tx);
    const code = cart?.discountCode
      ? await this.deps.promotions.activeCode(club.partnerId, cart.discountCode, tx)
      : undefined;
    const products = new Map(productRows.map((p) => [p.id, p]));
    const variants = new Map(variantRows.map((v) => [v.id, v]));
    const priced = priceCart({
      lines: items.map((item) => ({
        productId: item.productId,
        variantId: item.variantId,
        category: products.get(item.productId)?.category ?? 'accessoires',
        price: variants.get(item.variantId)?.price ?? 0n,
        quantity: item.quantity,
      })),
      flash,
      live,
      code: code?.code ? { ...code, code: code.code } : null,
      cashbackBps: club.cashbackBps,
    });
    return { priced, items, products, variants, discountCode: code?.code ?? null };
  }

  /**
   * The discounts this cart may have shown that no longer apply, the cart's code first, then flash sales, then live
   * sessions: its code if it ended or ran out (and applies to a line), flash sales on its lines that ran out, and
   * flash sales or live sessions on its lines that ended since the cart last changed. `items` is this cart priced
   * now (CartService.price).
   */
  async lostPromotions(
    tx: Queryable,
    club: ClubRow,
    cart: CartRow,
    items: PricedItems,
  ): Promise<LostPromotion[]> {
    const lines = items.priced.lines;
    const lost: LostPromotion[] = [];
    if (cart.discountCode && items.discountCode === null) {
      const code = await this.deps.promotions.findCode(club.partnerId, cart.discountCode, tx);
      if (code && lines.some((l) => appliesTo(code, l.productId, l.category)))
        lost.push({ kind: 'code', id: code.id, label: code.label, reason: 'code_ended' });
    }
    for (const gone of items.priced.exhausted) {
      lost.push({
        kind: gone.kind,
        id: gone.promotionId,
        label: gone.label,
        reason: gone.kind === 'code' ? 'code_exhausted' : 'flash_sale_exhausted',
      });
    }
    for (const flash of await this.deps.promotions.flashEndedSince(club.partnerId, cart.updatedAt, tx)) {
      if (lines.some((l) => appliesTo(flash, l.productId, l.category)))
        lost.push({ kind: 'flash', id: flash.id, label: flash.label, reason: 'flash_sale_ended' });
    }
    const pins = await this.deps.promotions.livePricesEndedSince(club.partnerId, cart.updatedAt, tx);
    for (const pin of pins) {
      const pinned = lines.some(
        (l) => l.productId === pin.productId && (pin.variantId === null || pin.variantId === l.variantId),
      );
      if (pinned && !lost.some((l) => l.id === pin.liveId))
        lost.push({ kind: 'live', id: pin.liveId, label: pin.title, reason: 'live_ended' });
    }
    return lost;
  }

  async #view(db: Queryable, club: ClubRow, userId: string, locale: Locale): Promise<Cart> {
    const cart = await this.deps.carts.find(userId, club.partnerId, db);
    const { priced, items, products, variants, discountCode } = await this.price(db, club, cart);
    const images = await this.deps.catalogue.imageIdsOf([...products.keys()]);
    return {
      id: cart?.id ?? null,
      club: { slug: club.slug, name: club.name },
      items: items.map((item, index) => {
        const line = priced.lines[index]!;
        const product = products.get(item.productId);
        const image = images.find((i) => i.productId === item.productId);
        return {
          id: item.id,
          productId: item.productId,
          variantId: item.variantId,
          name: product ? productName(product, locale) : '',
          variantLabel: variants.get(item.variantId)?.label ?? '',
          image: image ? imageUrl(image.id) : null,
          quantity: item.quantity,
          unitPrice: eur(line.unitPrice),
          originalUnitPrice: eur(line.price),
          displayPrice: displayPrice(shownPrice(line.price, line)),
          lineTotal: eur(line.lineTotal),
          available: variants.get(item.variantId)?.stock ?? 0,
        };
      }),
      count: items.reduce((sum, i) => sum + i.quantity, 0),
      subtotal: eur(priced.subtotal),
      discounts: priced.discounts.map((d) => ({ label: d.label, amount: eur(d.amount) })),
      discountTotal: eur(priced.discountTotal),
      cashback: { rate: bpsToRate(priced.cashbackBps), amount: eur(priced.cashback) },
      total: eur(priced.total),
      discountCode,
    };
  }
}

export function productName(product: ProductRow, locale: Locale): string {
  return locale === 'en' ? product.nameEn : product.nameFr;
}
