import { randomUUID } from 'node:crypto';
import { type Database, isUniqueViolation, type Page, type UserPrincipal } from '@pcf/kernel';
import type { CatalogueRepository, ClubRow, ProductRow } from './catalogue.repository.ts';
import type { CatalogueService, Locale } from './catalogue.service.ts';
import { sanitizeSvg } from './images.sanitizer.ts';
import { type LiveService, safeStreamUrl } from './live.service.ts';
import { eur, iso, parseEur } from './money.ts';
import { bpsToPercent, bpsToRate, percentToBps, rateToBps } from './pricing.ts';
import type { PromotionRow, PromotionsRepository } from './promotions.repository.ts';
import {
  codeTaken,
  imageNotFound,
  invalidField,
  invalidImage,
  liveNotFound,
  notClubAdmin,
  productNotFound,
  promotionNotFound,
  skuTaken,
  slugTaken,
  variantNotFound,
} from './shop.errors.ts';
import type {
  AdminPromotion,
  CreateProductBody,
  LiveBody,
  LiveSession,
  Product,
  ProductsQuery,
  PromotionBody,
  UpdateLiveBody,
  UpdateProductBody,
  UpdateVariantBody,
  VariantInput,
} from './shop.schema.ts';

export const IMAGE_TYPES = ['image/png', 'image/svg+xml'] as const;
export const MAX_IMAGE_BYTES = 1_048_576;

export interface AdminDeps {
  db: Database;
  catalogue: CatalogueRepository;
  promotions: PromotionsRepository;
  catalogueService: CatalogueService;
  live: LiveService;
}

/**
 * Back office: a partner admin manages only their own club (another club's resources answer 404, another club's
 * slug 403); a platform admin manages every club.
 */
export class AdminService {
  constructor(private readonly deps: AdminDeps) {}

  async #club(actor: UserPrincipal, slug: string): Promise<ClubRow> {
    const club = await this.deps.catalogueService.club(slug);
    if (!manages(actor, club.partnerId)) throw notClubAdmin();
    return club;
  }

  async #product(actor: UserPrincipal, id: string): Promise<ProductRow> {
    const product = await this.deps.catalogue.findProduct(id);
    if (!product || !manages(actor, product.partnerId)) throw productNotFound();
    return product;
  }

  async listProducts(actor: UserPrincipal, query: ProductsQuery, locale: Locale): Promise<Page<Product>> {
    await this.#club(actor, query.club);
    return this.deps.catalogueService.listProducts(query, locale, true);
  }

  async createProduct(actor: UserPrincipal, body: CreateProductBody, locale: Locale): Promise<Product> {
    const club = await this.#club(actor, body.club);
    if (body.editionSize !== undefined && !body.collectible) {
      throw invalidField('editionSize is only for collectibles', 'editionSize');
    }
    const id = randomUUID();
    const variants = (body.variants ?? []).map((v) => toVariant(v));
    try {
      await this.deps.db.transaction(async (tx) => {
        await this.deps.catalogue.insertProduct(
          {
            id,
            partnerId: club.partnerId,
            slug: body.slug ?? slugify(body.name.fr, id),
            category: body.category,
            nameFr: body.name.fr,
            nameEn: body.name.en,
            descriptionFr: body.description?.fr ?? '',
            descriptionEn: body.description?.en ?? '',
            collectible: body.collectible ?? false,
            editionSize: body.editionSize ?? null,
          },
          tx,
        );
        for (const [position, v] of variants.entries()) {
          await this.deps.catalogue.insertVariant({ ...v, id: randomUUID(), productId: id, position }, tx);
        }
      });
    } catch (error) {
      if (isUniqueViolation(error, 'products_partner_id_slug_key')) throw slugTaken();
      if (isUniqueViolation(error, 'variants_product_id_sku_key')) throw skuTaken();
      throw error;
    }
    return this.deps.catalogueService.getProduct(id, locale, true);
  }

  async updateProduct(actor: UserPrincipal, id: string, body: UpdateProductBody, locale: Locale) {
    await this.#product(actor, id);
    await this.deps.catalogue.updateProduct(id, {
      category: body.category,
      nameFr: body.name?.fr,
      nameEn: body.name?.en,
      descriptionFr: body.description?.fr,
      descriptionEn: body.description?.en,
    });
    return this.deps.catalogueService.getProduct(id, locale, true);
  }

  async setArchived(actor: UserPrincipal, id: string, archived: boolean, locale: Locale) {
    await this.#product(actor, id);
    await this.deps.catalogue.updateProduct(id, { status: archived ? 'archived' : 'active' });
    return this.deps.catalogueService.getProduct(id, locale, true);
  }

  async addVariant(actor: UserPrincipal, productId: string, body: VariantInput, locale: Locale) {
    await this.#product(actor, productId);
    const existing = await this.deps.catalogue.variantsOf([productId]);
    try {
      await this.deps.catalogue.insertVariant({
        ...toVariant(body),
        id: randomUUID(),
        productId,
        position: existing.length,
      });
    } catch (error) {
      if (isUniqueViolation(error, 'variants_product_id_sku_key')) throw skuTaken();
      throw error;
    }
    return this.deps.catalogueService.getProduct(productId, locale, true);
  }

  async updateVariant(actor: UserPrincipal, variantId: string, body: UpdateVariantBody, locale: Locale) {
    const [variant] = await this.deps.catalogue.variantsByIds([variantId]);
    if (!variant) throw variantNotFound();
    const product = await this.deps.catalogue.findProduct(variant.productId);
    if (!product || !manages(actor, product.partnerId)) throw variantNotFound();
    await this.deps.catalogue.updateVariant(variantId, {
      label: body.label,
      price: body.price === undefined ? undefined : parseEur(body.price, 'price'),
      stock: body.stock,
      archived: body.archived,
    });
    return this.deps.catalogueService.getProduct(product.id, locale, true);
  }

  /**
   * Stores a product image: `image/png` (checked by its signature) or `image/svg+xml` (sanitised first, see
   * images.sanitizer.ts), 1 byte to 1 MB. Answers `{ id, url }`; throws validation_failed (400), product_not_found.
   */
  async uploadImage(actor: UserPrincipal, productId: string, contentType: string, bytes: Buffer) {
    const product = await this.#product(actor, productId);
    const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!(IMAGE_TYPES as readonly string[]).includes(type)) {
      throw invalidImage('The image must be image/png or image/svg+xml');
    }
    if (bytes.length === 0 || bytes.length > MAX_IMAGE_BYTES)
      throw invalidImage('The image must be 1 byte to 1 MB');
    if (type === 'image/png' && !bytes.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))) {
      throw invalidImage('The body is not a PNG image');
    }
    if (type === 'image/svg+xml' && !/<svg[\s>]/i.test(bytes.subarray(0, 2048).toString('utf8'))) {
      throw invalidImage('The body is not an SVG image');
    }
    const id = randomUUID();
    await this.deps.catalogue.insertImage({
      id,
      partnerId: product.partnerId,
      productId,
      contentType: type,
      // An SVG can carry scripts: only its sanitised form is stored (and served, with a CSP that runs nothing).
      bytes: type === 'image/svg+xml' ? await sanitizeSvg(bytes) : bytes,
    });
    return { id, url: `/v1/shop/images/${id}` };
  }

  async deleteImage(actor: UserPrincipal, imageId: string): Promise<void> {
    const image = await this.deps.catalogue.findImage(imageId);
    if (!image || !manages(actor, image.partnerId)) throw imageNotFound();
    await this.deps.catalogue.deleteImage(imageId);
  }

  async listPromotions(actor: UserPrincipal, slug: string): Promise<{ data: AdminPromotion[] }> {
    const club = await this.#club(actor, slug);
    return {
      data: (await this.deps.promotions.listPromotions(club.partnerId)).map((p) => promotionView(p, club)),
    };
  }

  async createPromotion(actor: UserPrincipal, body: PromotionBody): Promise<AdminPromotion> {
    const club = await this.#club(actor, body.club);
    if (body.kind === 'code' && !body.code) throw invalidField('a discount code needs a code', 'code');
    if (body.kind === 'flash' && body.code) throw invalidField('a flash sale has no code', 'code');
    const value =
      body.type === 'percentage' ? BigInt(percentToBps(body.value)) : parseEur(body.value, 'value');
    if (body.type === 'percentage' && (value <= 0n || value > 10_000n)) {
      throw invalidField('a percentage must be between 0 and 100', 'value');
    }
    const startsAt = body.startsAt ?? new Date().toISOString();
    if (Date.parse(body.endsAt) <= Date.parse(startsAt))
      throw invalidField('endsAt must be after startsAt', 'endsAt');
    await this.#assertOwnProducts(club, body.productIds ?? []);
    const id = randomUUID();
    try {
      await this.deps.promotions.insertPromotion({
        id,
        partnerId: club.partnerId,
        kind: body.kind,
        code: body.code?.toUpperCase() ?? null,
        label: body.label,
        type: body.type,
        value,
        productIds: body.productIds ?? [],
        categories: body.categories ?? [],
        startsAt,
        endsAt: body.endsAt,
        budgetKind: body.budget?.kind ?? null,
        budget: body.budget?.limit ?? null,
      });
    } catch (error) {
      if (isUniqueViolation(error, 'promotions_code')) throw codeTaken();
      throw error;
    }
    return promotionView((await this.deps.promotions.findPromotion(id))!, club);
  }

  async updatePromotion(
    actor: UserPrincipal,
    id: string,
    body: { label?: string; endsAt?: string; archived?: boolean },
  ): Promise<AdminPromotion> {
    const promotion = await this.deps.promotions.findPromotion(id);
    if (!promotion || !manages(actor, promotion.partnerId)) throw promotionNotFound();
    if (body.endsAt && Date.parse(body.endsAt) <= Date.parse(promotion.startsAt)) {
      throw invalidField('endsAt must be after startsAt', 'endsAt');
    }
    await this.deps.promotions.updatePromotion(id, body);
    const club = (await this.deps.catalogue.findClub(promotion.partnerId))!;
    return promotionView((await this.deps.promotions.findPromotion(id))!, club);
  }

  async createLive(actor: UserPrincipal, body: LiveBody): Promise<LiveSession> {
    const club = await this.#club(actor, body.club);
    const id = randomUUID();
    await this.#saveLive(club, id, body);
    return this.deps.live.get(id);
  }

  async updateLive(actor: UserPrincipal, id: string, body: UpdateLiveBody): Promise<LiveSession> {
    const live = await this.deps.promotions.findLive(id);
    if (!live || !manages(actor, live.partnerId)) throw liveNotFound();
    const club = (await this.deps.catalogue.findClub(live.partnerId))!;
    await this.#saveLive(club, id, {
      title: body.title ?? live.title,
      startsAt: body.startsAt ?? live.startsAt,
      endsAt: body.endsAt ?? live.endsAt,
      streamUrl: body.streamUrl ?? safeStreamUrl(live.streamUrl) ?? undefined,
      products: body.products,
    });
    return this.deps.live.get(id);
  }

  async deleteLive(actor: UserPrincipal, id: string): Promise<void> {
    const live = await this.deps.promotions.findLive(id);
    if (!live || !manages(actor, live.partnerId)) throw liveNotFound();
    await this.deps.promotions.archiveLive(id);
  }

  async #saveLive(
    club: ClubRow,
    id: string,
    body: Pick<LiveBody, 'title' | 'startsAt' | 'endsAt' | 'streamUrl'> & {
      products: LiveBody['products'] | undefined;
    },
  ) {
    if (Date.parse(body.endsAt) <= Date.parse(body.startsAt))
      throw invalidField('endsAt must be after startsAt', 'endsAt');
    const pins = body.products?.map((p) => ({
      productId: p.productId,
      variantId: p.variantId ?? null,
      livePrice: parseEur(p.livePrice, 'livePrice'),
    }));
    await this.#assertOwnProducts(club, pins?.map((p) => p.productId) ?? []);
    const variantIds = pins?.flatMap((p) => (p.variantId ? [p.variantId] : [])) ?? [];
    const variants = await this.deps.catalogue.variantsByIds(variantIds);
    for (const pin of pins ?? []) {
      if (pin.variantId && variants.find((v) => v.id === pin.variantId)?.productId !== pin.productId) {
        throw variantNotFound();
      }
    }
    await this.deps.db.transaction((tx) =>
      this.deps.promotions.saveLive(
        {
          id,
          partnerId: club.partnerId,
          title: body.title,
          startsAt: body.startsAt,
          endsAt: body.endsAt,
          streamUrl: body.streamUrl ?? null,
        },
        pins,
        tx,
      ),
    );
  }

  async #assertOwnProducts(club: ClubRow, productIds: string[]): Promise<void> {
    const products = await this.deps.catalogue.productsByIds([...new Set(productIds)]);
    if (
      products.length !== new Set(productIds).size ||
      products.some((p) => p.partnerId !== club.partnerId)
    ) {
      throw productNotFound();
    }
  }

  async clubSettings(actor: UserPrincipal, slug: string) {
    return settingsView(await this.#club(actor, slug));
  }

  async updateClubSettings(actor: UserPrincipal, slug: string, cashbackRate: string) {
    const club = await this.#club(actor, slug);
    const bps = rateToBps(cashbackRate);
    if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) {
      throw invalidField('cashbackRate must be between 0 and 1, e.g. "0.05"', 'cashbackRate');
    }
    await this.deps.catalogue.setCashbackRate(club.partnerId, bps);
    return settingsView({ ...club, cashbackBps: bps });
  }
}

export function manages(actor: UserPrincipal, partnerId: string): boolean {
  return actor.role === 'platform_admin' || (actor.role === 'partner_admin' && actor.partnerId === partnerId);
}

function toVariant(v: VariantInput) {
  return {
    sku: v.sku,
    label: v.label,
    attributes: v.attributes ?? {},
    price: parseEur(v.price, 'price'),
    stock: v.stock,
  };
}

function slugify(name: string, id: string): string {
  const base = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return `${base || 'produit'}-${id.slice(0, 6)}`;
}

function settingsView(club: ClubRow) {
  return {
    partnerId: club.partnerId,
    slug: club.slug,
    name: club.name,
    cashbackRate: bpsToRate(club.cashbackBps),
  };
}

function promotionView(p: PromotionRow, club: ClubRow): AdminPromotion {
  return {
    id: p.id,
    club: club.slug,
    kind: p.kind,
    code: p.code,
    label: p.label,
    type: p.type,
    value: p.type === 'percentage' ? bpsToPercent(p.value) : eur(p.value).amount,
    productIds: p.productIds,
    categories: p.categories,
    startsAt: iso(p.startsAt),
    endsAt: iso(p.endsAt),
    budget: p.budgetKind && p.budget !== null ? { kind: p.budgetKind, limit: p.budget, used: p.used } : null,
    archived: p.archived,
  };
}
