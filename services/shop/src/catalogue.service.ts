import { decodeOffsetCursor, encodeCursor, type Page } from '@pcf/kernel';
import type {
  CatalogueRepository,
  ClubRow,
  ProductListing,
  ProductRow,
  VariantRow,
} from './catalogue.repository.ts';
import { eur, iso, parseEur } from './money.ts';
import {
  appliesTo,
  bestUnitPrice,
  bpsToPercent,
  fromPrice,
  type LivePrice,
  type PricedPromotion,
  type ShownPrice,
  shownPrice,
} from './pricing.ts';
import type { PromotionsRepository } from './promotions.repository.ts';
import { clubNotFound, imageNotFound, invalidField, productNotFound } from './shop.errors.ts';
import type { DisplayPrice, Product, ProductsQuery } from './shop.schema.ts';

export type Locale = 'fr' | 'en';

const CATEGORY_NAMES: Record<Product['category'], Record<Locale, string>> = {
  maillots: { fr: 'Maillots', en: 'Jerseys' },
  accessoires: { fr: 'Accessoires', en: 'Accessories' },
  nft: { fr: 'Objets numériques (NFT)', en: 'Digital collectibles (NFT)' },
};

export const imageUrl = (id: string) => `/v1/shop/images/${id}`;

/** A shown price (pricing.ts, minor units) as the API answers it. */
export const displayPrice = (shown: ShownPrice): DisplayPrice => ({
  current: eur(shown.current),
  original: shown.original === null ? null : eur(shown.original),
  promotion: shown.promotion,
});

/** The public catalogue: clubs, products with their current prices, categories, images. */
export class CatalogueService {
  constructor(
    private readonly catalogue: CatalogueRepository,
    private readonly promotions: PromotionsRepository,
  ) {}

  async club(slug: string): Promise<ClubRow> {
    const club = await this.catalogue.findClubBySlug(slug);
    if (!club) throw clubNotFound(slug);
    return club;
  }

  async listProducts(query: ProductsQuery, locale: Locale, includeArchived = false): Promise<Page<Product>> {
    const club = await this.club(query.club);
    const limit = query.limit ?? 20;
    const offset = query.cursor ? decodeOffsetCursor(query.cursor) : 0;
    const minPrice =
      query.minPrice === undefined ? undefined : parseEur(query.minPrice, 'minPrice', true, true);
    const maxPrice =
      query.maxPrice === undefined ? undefined : parseEur(query.maxPrice, 'maxPrice', true, true);
    if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice) {
      throw invalidField('minPrice must not be greater than maxPrice', 'minPrice');
    }
    const rows = await this.catalogue.listProducts({
      partnerId: club.partnerId,
      category: query.category,
      q: query.q?.trim() || undefined,
      minPrice,
      maxPrice,
      inStock: query.inStock,
      includeArchived,
      offset,
      limit,
    });
    const data = await this.views(rows.slice(0, limit), locale, rows);
    return { data, nextCursor: rows.length > limit ? encodeCursor([offset + limit]) : null };
  }

  async getProduct(id: string, locale: Locale, includeArchived = false): Promise<Product> {
    const row = await this.catalogue.findProduct(id);
    if (!row || (row.status === 'archived' && !includeArchived)) throw productNotFound();
    const [view] = await this.views([row], locale);
    return view!;
  }

  async categories(slug: string, locale: Locale) {
    await this.club(slug);
    return {
      data: (Object.keys(CATEGORY_NAMES) as Product['category'][]).map((category) => ({
        slug: category,
        name: CATEGORY_NAMES[category][locale],
      })),
    };
  }

  async image(id: string): Promise<{ contentType: string; bytes: Buffer }> {
    const image = await this.catalogue.findImage(id);
    if (!image) throw imageNotFound();
    return { contentType: image.contentType, bytes: Buffer.from(image.bytes) };
  }

  /**
   * Products as the API shows them, priced now (flash sales and live prices applied). Listings already carry their
   * variants and images; for bare rows they are loaded for the whole page at once.
   */
  async views(rows: ProductRow[], locale: Locale, listings?: ProductListing[]): Promise<Product[]> {
    const ids = rows.map((r) => r.id);
    const partners = [...new Set(rows.map((r) => r.partnerId))];
    const [variants, images, flash, live] = await Promise.all([
      listings ? listings.flatMap((l) => l.variants) : this.catalogue.variantsOf(ids),
      listings
        ? listings.flatMap((l) => l.imageIds.map((id) => ({ id, productId: l.id })))
        : this.catalogue.imageIdsOf(ids),
      this.promotions.activeFlash(partners),
      this.promotions.livePrices(partners),
    ]);
    return rows.map((row) =>
      productView(
        row,
        variants.filter((v) => v.productId === row.id),
        images.filter((i) => i.productId === row.id).map((i) => imageUrl(i.id)),
        flash.filter((p) => p.partnerId === row.partnerId),
        live,
        locale,
      ),
    );
  }
}

export function productView(
  row: ProductRow,
  variants: VariantRow[],
  images: string[],
  flash: PricedPromotion[],
  live: LivePrice[],
  locale: Locale,
): Product {
  const visible = variants.filter((v) => !v.archived);
  const shown: ShownPrice[] = [];
  const views = visible.map((v) => {
    const best = bestUnitPrice(
      { productId: row.id, variantId: v.id, category: row.category, price: v.price, quantity: 1 },
      flash,
      live,
    );
    const price = shownPrice(v.price, best);
    shown.push(price);
    return {
      id: v.id,
      sku: v.sku,
      label: v.label,
      attributes: v.attributes,
      price: eur(v.price),
      salePrice: best.applied ? eur(best.unitPrice) : null,
      displayPrice: displayPrice(price),
      stock: v.stock,
      inStock: v.stock > 0,
    };
  });
  const from = fromPrice(shown) ?? { current: 0n, original: null, promotion: null };
  const promotion = flash.find(
    (p) => appliesTo(p, row.id, row.category) && (p.budget === null || p.used < p.budget),
  );
  return {
    id: row.id,
    club: { slug: row.clubSlug, name: row.clubName },
    slug: row.slug,
    category: row.category,
    name: locale === 'en' ? row.nameEn : row.nameFr,
    description: locale === 'en' ? row.descriptionEn : row.descriptionFr,
    images,
    priceFrom: eur(from.current),
    displayPrice: displayPrice(from),
    variants: views,
    promotion: promotion
      ? {
          id: promotion.id,
          kind: 'flash',
          label: promotion.label,
          type: promotion.type,
          value:
            promotion.type === 'percentage' ? bpsToPercent(promotion.value) : eur(promotion.value).amount,
          endsAt: iso(promotion.endsAt),
        }
      : null,
    collectible: row.collectible,
    editionSize: row.editionSize,
    status: row.status,
  };
}
