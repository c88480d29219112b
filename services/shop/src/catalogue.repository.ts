import type { Database, Queryable } from '@pcf/kernel';

export interface ClubRow {
  partnerId: string;
  slug: string;
  name: string;
  cashbackBps: number;
}

export interface ProductRow {
  id: string;
  partnerId: string;
  clubSlug: string;
  clubName: string;
  slug: string;
  category: 'maillots' | 'accessoires' | 'nft';
  nameFr: string;
  nameEn: string;
  descriptionFr: string;
  descriptionEn: string;
  collectible: boolean;
  editionSize: number | null;
  status: 'active' | 'archived';
}

export interface VariantRow {
  id: string;
  productId: string;
  sku: string;
  label: string;
  attributes: Record<string, string>;
  price: bigint;
  stock: number;
  archived: boolean;
}

export interface ProductFilter {
  club: string;
  category?: string;
  q?: string;
  minPrice?: bigint;
  maxPrice?: bigint;
  inStock?: boolean;
  includeArchived?: boolean;
  offset: number;
  limit: number;
}

const CLUB = `partner_id AS "partnerId", slug, name, cashback_bps AS "cashbackBps"`;
const PRODUCT = `p.id, p.partner_id AS "partnerId", c.slug AS "clubSlug", c.name AS "clubName", p.slug,
  p.category, p.name_fr AS "nameFr", p.name_en AS "nameEn", p.description_fr AS "descriptionFr",
  p.description_en AS "descriptionEn", p.collectible, p.edition_size AS "editionSize", p.status`;
const VARIANT = `id, product_id AS "productId", sku, label, attributes, price, stock, archived`;

/** Minimum trigram word similarity for a typo to still match ("maillto" → "maillot"). */
const TYPO_THRESHOLD = 0.5;

type RawVariant = Omit<VariantRow, 'price'> & { price: string };
const toVariant = (row: RawVariant): VariantRow => ({ ...row, price: BigInt(row.price) });

/** Clubs, products, variants and images: the only file with catalogue SQL. */
export class CatalogueRepository {
  constructor(private readonly db: Database) {}

  async upsertClub(club: { partnerId: string; slug: string; name: string }, tx: Queryable = this.db) {
    await tx.query(
      `INSERT INTO shop.clubs (partner_id, slug, name) VALUES ($1, $2, $3)
       ON CONFLICT (partner_id) DO UPDATE SET slug = EXCLUDED.slug, name = EXCLUDED.name`,
      [club.partnerId, club.slug, club.name],
    );
  }

  async findClubBySlug(slug: string, tx: Queryable = this.db): Promise<ClubRow | undefined> {
    return (await tx.query<ClubRow>(`SELECT ${CLUB} FROM shop.clubs WHERE slug = $1`, [slug])).rows[0];
  }

  async findClub(partnerId: string, tx: Queryable = this.db): Promise<ClubRow | undefined> {
    return (await tx.query<ClubRow>(`SELECT ${CLUB} FROM shop.clubs WHERE partner_id = $1`, [partnerId]))
      .rows[0];
  }

  async setCashbackRate(partnerId: string, bps: number): Promise<void> {
    await this.db.query('UPDATE shop.clubs SET cashback_bps = $2 WHERE partner_id = $1', [partnerId, bps]);
  }

  /** One page of products (limit + 1 rows), newest first or by search relevance. */
  async listProducts(filter: ProductFilter): Promise<ProductRow[]> {
    const params: unknown[] = [filter.club];
    const where = ['c.slug = $1'];
    const add = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (!filter.includeArchived) where.push(`p.status = 'active'`);
    if (filter.category) where.push(`p.category = ${add(filter.category)}`);
    let order = 'p.created_at, p.id';
    if (filter.q) {
      const q = add(filter.q);
      const folded = `lower(shop.unaccent(${q}::text))`;
      const fr = `plainto_tsquery('french', ${folded})`;
      const en = `plainto_tsquery('english', ${folded})`;
      // Typo tolerance: every word of the query must be close to some word of the product (trigrams).
      const words = filter.q.split(/\s+/).filter(Boolean).slice(0, 8);
      const fuzzy = words
        .map(
          (word) =>
            `shop.word_similarity(lower(shop.unaccent(${add(word)}::text)), p.search_text) >= ${TYPO_THRESHOLD}`,
        )
        .join(' AND ');
      where.push(`(p.search_fr @@ ${fr} OR p.search_en @@ ${en} OR (${fuzzy}))`);
      order = `(ts_rank(p.search_fr, ${fr}) + ts_rank(p.search_en, ${en})
        + shop.word_similarity(${folded}, p.search_text)) DESC, p.created_at, p.id`;
    }
    const variantConditions: string[] = [];
    if (filter.minPrice !== undefined)
      variantConditions.push(`v.price >= ${add(filter.minPrice.toString())}`);
    if (filter.maxPrice !== undefined)
      variantConditions.push(`v.price <= ${add(filter.maxPrice.toString())}`);
    if (filter.inStock) variantConditions.push('v.stock > 0');
    if (variantConditions.length > 0) {
      where.push(`EXISTS (SELECT 1 FROM shop.variants v WHERE v.product_id = p.id AND NOT v.archived
        AND ${variantConditions.join(' AND ')})`);
    }
    const limit = add(filter.limit + 1);
    const offset = add(filter.offset);
    const result = await this.db.query<ProductRow>(
      `SELECT ${PRODUCT} FROM shop.products p JOIN shop.clubs c ON c.partner_id = p.partner_id
       WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
    return result.rows;
  }

  async findProduct(id: string, tx: Queryable = this.db): Promise<ProductRow | undefined> {
    const result = await tx.query<ProductRow>(
      `SELECT ${PRODUCT} FROM shop.products p JOIN shop.clubs c ON c.partner_id = p.partner_id WHERE p.id = $1`,
      [id],
    );
    return result.rows[0];
  }

  async productsByIds(ids: string[], tx: Queryable = this.db): Promise<ProductRow[]> {
    if (ids.length === 0) return [];
    const result = await tx.query<ProductRow>(
      `SELECT ${PRODUCT} FROM shop.products p JOIN shop.clubs c ON c.partner_id = p.partner_id
       WHERE p.id = ANY($1::uuid[])`,
      [ids],
    );
    return result.rows;
  }

  async insertProduct(
    product: Omit<ProductRow, 'clubSlug' | 'clubName' | 'status'>,
    tx: Queryable = this.db,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO shop.products (id, partner_id, slug, category, name_fr, name_en, description_fr,
         description_en, collectible, edition_size)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        product.id,
        product.partnerId,
        product.slug,
        product.category,
        product.nameFr,
        product.nameEn,
        product.descriptionFr,
        product.descriptionEn,
        product.collectible,
        product.editionSize,
      ],
    );
    await this.#refreshSearch(product.id, tx);
  }

  async updateProduct(
    id: string,
    changes: Partial<
      Pick<ProductRow, 'category' | 'nameFr' | 'nameEn' | 'descriptionFr' | 'descriptionEn' | 'status'>
    >,
  ): Promise<void> {
    const columns: Record<string, string> = {
      category: 'category',
      nameFr: 'name_fr',
      nameEn: 'name_en',
      descriptionFr: 'description_fr',
      descriptionEn: 'description_en',
      status: 'status',
    };
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const [key, value] of Object.entries(changes)) {
      const column = columns[key];
      if (!column || value === undefined) continue;
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    }
    if (sets.length === 0) return;
    await this.db.transaction(async (tx) => {
      await tx.query(`UPDATE shop.products SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, params);
      await this.#refreshSearch(id, tx);
    });
  }

  /** French and English stemming over accent-folded text, plus a folded text for trigram typo matching. */
  async #refreshSearch(id: string, tx: Queryable): Promise<void> {
    await tx.query(
      `UPDATE shop.products SET
         search_fr = setweight(to_tsvector('french', shop.unaccent(name_fr)), 'A')
           || setweight(to_tsvector('french', shop.unaccent(description_fr || ' ' || category)), 'B'),
         search_en = setweight(to_tsvector('english', shop.unaccent(name_en)), 'A')
           || setweight(to_tsvector('english', shop.unaccent(description_en)), 'B'),
         search_text = lower(shop.unaccent(name_fr || ' ' || name_en || ' ' || description_fr || ' '
           || description_en))
       WHERE id = $1`,
      [id],
    );
  }

  async variantsOf(productIds: string[], tx: Queryable = this.db): Promise<VariantRow[]> {
    if (productIds.length === 0) return [];
    const result = await tx.query<RawVariant>(
      `SELECT ${VARIANT} FROM shop.variants WHERE product_id = ANY($1::uuid[]) ORDER BY position, created_at, id`,
      [productIds],
    );
    return result.rows.map(toVariant);
  }

  async variantsByIds(ids: string[], tx: Queryable = this.db): Promise<VariantRow[]> {
    if (ids.length === 0) return [];
    const result = await tx.query<RawVariant>(
      `SELECT ${VARIANT} FROM shop.variants WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return result.rows.map(toVariant);
  }

  async insertVariant(
    variant: Omit<VariantRow, 'archived'> & { position: number },
    tx: Queryable = this.db,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO shop.variants (id, product_id, sku, label, attributes, price, stock, position)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)`,
      [
        variant.id,
        variant.productId,
        variant.sku,
        variant.label,
        JSON.stringify(variant.attributes),
        variant.price.toString(),
        variant.stock,
        variant.position,
      ],
    );
  }

  async updateVariant(
    id: string,
    changes: { label?: string; price?: bigint; stock?: number; archived?: boolean },
  ): Promise<void> {
    await this.db.query(
      `UPDATE shop.variants SET label = COALESCE($2, label), price = COALESCE($3::numeric, price),
         stock = COALESCE($4::integer, stock), archived = COALESCE($5::boolean, archived)
       WHERE id = $1`,
      [
        id,
        changes.label ?? null,
        changes.price?.toString() ?? null,
        changes.stock ?? null,
        changes.archived ?? null,
      ],
    );
  }

  async imageIdsOf(productIds: string[]): Promise<{ id: string; productId: string }[]> {
    if (productIds.length === 0) return [];
    const result = await this.db.query<{ id: string; productId: string }>(
      `SELECT id, product_id AS "productId" FROM shop.images WHERE product_id = ANY($1::uuid[])
       ORDER BY position, created_at, id`,
      [productIds],
    );
    return result.rows;
  }

  async insertImage(
    image: { id: string; partnerId: string; productId: string; contentType: string; bytes: Buffer },
    tx: Queryable = this.db,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO shop.images (id, partner_id, product_id, content_type, bytes, position)
       VALUES ($1, $2, $3, $4, $5,
         (SELECT count(*) FROM shop.images WHERE product_id = $3))`,
      [image.id, image.partnerId, image.productId, image.contentType, image.bytes],
    );
  }

  async findImage(
    id: string,
  ): Promise<{ contentType: string; bytes: Uint8Array; partnerId: string } | undefined> {
    const result = await this.db.query<{ contentType: string; bytes: Uint8Array; partnerId: string }>(
      `SELECT content_type AS "contentType", bytes, partner_id AS "partnerId" FROM shop.images WHERE id = $1`,
      [id],
    );
    return result.rows[0];
  }

  async deleteImage(id: string): Promise<void> {
    await this.db.query('DELETE FROM shop.images WHERE id = $1', [id]);
  }
}
