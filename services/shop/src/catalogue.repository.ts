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

/** A product with its variants and the ids of its images, in display order. */
export interface ProductListing extends ProductRow {
  variants: VariantRow[];
  imageIds: string[];
}

export interface ProductFilter {
  partnerId: string;
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

/**
 * The text trigram typo matching and ranking work on: the folded words of both names and both descriptions, each
 * once, in first-occurrence order (migration 002 explains why).
 */
const SEARCH_WORDS = `(SELECT coalesce(string_agg(d.word, ' ' ORDER BY d.n), '')
  FROM (SELECT w.word, min(w.n) AS n
        FROM regexp_split_to_table(lower(shop.unaccent(name_fr || ' ' || name_en || ' ' || description_fr || ' '
          || description_en)), '[^[:alnum:]]+') WITH ORDINALITY AS w(word, n)
        WHERE w.word <> '' GROUP BY w.word) d)`;

type RawVariant = Omit<VariantRow, 'price'> & { price: string };
const toVariant = (row: RawVariant): VariantRow => ({ ...row, price: BigInt(row.price) });
type RawListing = ProductRow & { variants: RawVariant[]; imageIds: string[] };

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

  /**
   * One page of products (limit + 1 rows), newest first or by search relevance, each with its variants and image
   * ids (one statement: no query per product).
   *
   * A search runs in one transaction: a first statement folds the query (unaccent, lower case) and sets, for this
   * transaction only, the word-similarity threshold of pg_trgm's `%>` operator and `enable_seqscan = off`. The
   * folded text is then a constant of the search statement, so the three arms — French and English full-text and
   * the trigram typo arm (`search_text %> word` ⇔ `word_similarity(word, search_text) >= TYPO_THRESHOLD`) — are
   * each a GIN index scan, OR-ed in a bitmap, instead of a sequential scan computing a similarity for every product
   * (the planner underestimates what a trigram recheck costs, hence the setting).
   */
  async listProducts(filter: ProductFilter): Promise<ProductListing[]> {
    const q = filter.q;
    if (!q) return this.#listProducts(this.db, filter, undefined);
    return this.db.transaction(async (tx) => {
      const words = q.split(/\s+/).filter(Boolean).slice(0, 8);
      const folded = (
        await tx.query<{ folded: string; words: string[] }>(
          `SELECT set_config('pg_trgm.word_similarity_threshold', $3, true) AS threshold,
             set_config('enable_seqscan', 'off', true) AS seqscan,
             lower(shop.unaccent($1::text)) AS folded,
             ARRAY(SELECT lower(shop.unaccent(u.word)) FROM unnest($2::text[]) WITH ORDINALITY AS u(word, n)
               ORDER BY u.n) AS words`,
          [q, words, String(TYPO_THRESHOLD)],
        )
      ).rows[0]!;
      return this.#listProducts(tx, filter, folded);
    });
  }

  async #listProducts(
    db: Queryable,
    filter: ProductFilter,
    search: { folded: string; words: string[] } | undefined,
  ): Promise<ProductListing[]> {
    const params: unknown[] = [filter.partnerId];
    // Searching, the club is a filter on the matches, written so that no index serves it: otherwise the planner
    // reads the club's whole catalogue through the partner index (and computes a similarity for every product)
    // instead of OR-ing the three search indexes.
    const where = [search ? '(p.partner_id = $1) IS TRUE' : 'p.partner_id = $1'];
    const add = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (!filter.includeArchived) where.push(`p.status = 'active'`);
    if (filter.category) where.push(`p.category = ${add(filter.category)}`);
    let rank = '0::real';
    if (search) {
      const folded = `${add(search.folded)}::text`;
      const fr = `plainto_tsquery('french', ${folded})`;
      const en = `plainto_tsquery('english', ${folded})`;
      // Typo tolerance: every word of the query must be close to some word of the product (trigrams).
      const fuzzy = search.words.map((word) => `p.search_text OPERATOR(shop.%>) ${add(word)}::text`);
      const arms = [`p.search_fr @@ ${fr}`, `p.search_en @@ ${en}`];
      if (fuzzy.length > 0) arms.push(`(${fuzzy.join(' AND ')})`);
      where.push(`(${arms.join(' OR ')})`);
      rank = `ts_rank(p.search_fr, ${fr}) + ts_rank(p.search_en, ${en})
        + shop.word_similarity(${folded}, p.search_text)`;
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
    const result = await db.query<RawListing>(
      `SELECT ${PRODUCT},
         coalesce((SELECT json_agg(json_build_object('id', v.id, 'productId', v.product_id, 'sku', v.sku,
             'label', v.label, 'attributes', v.attributes, 'price', v.price::text, 'stock', v.stock,
             'archived', v.archived) ORDER BY v.position, v.created_at, v.id)
           FROM shop.variants v WHERE v.product_id = p.id), '[]'::json) AS variants,
         coalesce((SELECT json_agg(i.id ORDER BY i.position, i.created_at, i.id)
           FROM shop.images i WHERE i.product_id = p.id), '[]'::json) AS "imageIds"
       FROM (SELECT p.*, ${rank} AS rank FROM shop.products p WHERE ${where.join(' AND ')}
             ORDER BY rank DESC, p.created_at, p.id LIMIT ${limit} OFFSET ${offset}) p
       JOIN shop.clubs c ON c.partner_id = p.partner_id
       ORDER BY p.rank DESC, p.created_at, p.id`,
      params,
    );
    return result.rows.map((row) => ({ ...row, variants: row.variants.map(toVariant) }));
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
         search_text = ${SEARCH_WORDS}
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
