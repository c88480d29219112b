import { IdParams, Nullable, PagedResponse, PageQuery, SearchString, strict, Uuid } from '@pcf/kernel';
import { type Static, Type } from '@sinclair/typebox';

// The shared pieces, re-exported for the shop's other files.
export { IdParams, Uuid };

export const Slug = Type.String({
  pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
  description: 'Club slug, e.g. "monaco"',
});
export const Locale = Type.Union([Type.Literal('fr'), Type.Literal('en')]);
export const CategorySlug = Type.Union([
  Type.Literal('maillots'),
  Type.Literal('accessoires'),
  Type.Literal('nft'),
]);
const PRICE_PATTERN = '^(0|[1-9][0-9]{0,15})(\\.[0-9]{1,2})?$';
export const Price = Type.String({
  pattern: PRICE_PATTERN,
  description: 'A decimal amount in EUR, e.g. "89.90"',
});
export const Money = Type.Object({ amount: Type.String(), asset: Type.Literal('EUR') });
export const Timestamp = Type.String({ format: 'date-time' });

export const LocaleQuery = Type.Object({ locale: Type.Optional(Locale) }, strict);
export const ClubQuery = Type.Object({ club: Slug, locale: Type.Optional(Locale) }, strict);

export const ProductsQuery = Type.Object(
  {
    club: Slug,
    category: Type.Optional(CategorySlug),
    q: Type.Optional(
      SearchString({
        minLength: 1,
        maxLength: 100,
        description: 'Search text; NUL, unpaired surrogates and bidi controls are removed before searching',
      }),
    ),
    minPrice: Type.Optional(Price),
    maxPrice: Type.Optional(Price),
    inStock: Type.Optional(Type.Boolean()),
    locale: Type.Optional(Locale),
    ...PageQuery.properties,
  },
  strict,
);
export type ProductsQuery = Static<typeof ProductsQuery>;

/** The discount behind a displayed price: a flash sale or a live shopping session, with its label as shown. */
export const AppliedPromotion = Type.Object({
  kind: Type.Union([Type.Literal('flash'), Type.Literal('live')]),
  label: Type.String({ description: "The flash sale's label or the live session's title" }),
});

/**
 * The price a client shows, decided by the server's pricing (the same rule checkout charges by): `current` is what
 * one unit costs now, `original` the regular price to cross out (null when no discount applies) and `promotion`
 * the discount that makes the difference (null when none).
 */
export const DisplayPrice = Type.Object(
  {
    current: Money,
    original: Type.Union([Money, Type.Null()]),
    promotion: Type.Union([AppliedPromotion, Type.Null()]),
  },
  { description: 'The price to show: clients display it as is and hold no price rule of their own' },
);
export type DisplayPrice = Static<typeof DisplayPrice>;

export const Variant = Type.Object({
  id: Uuid,
  sku: Type.String(),
  label: Type.String(),
  attributes: Type.Record(Type.String(), Type.String()),
  price: Money,
  salePrice: Type.Union([Money, Type.Null()]),
  displayPrice: DisplayPrice,
  stock: Type.Integer(),
  inStock: Type.Boolean(),
});

export const ProductPromotion = Type.Object({
  id: Type.String(),
  kind: Type.Literal('flash'),
  label: Type.String(),
  type: Type.Union([Type.Literal('percentage'), Type.Literal('fixed')]),
  value: Type.String(),
  endsAt: Type.String(),
});

export const Club = Type.Object({ slug: Type.String(), name: Type.String() });

export const Product = Type.Object({
  id: Uuid,
  club: Club,
  slug: Type.String(),
  category: CategorySlug,
  name: Type.String(),
  description: Type.String(),
  images: Type.Array(Type.String()),
  priceFrom: Money,
  /** A product card's "from" price: the cheapest variant now (`current` = priceFrom), with that variant's original. */
  displayPrice: DisplayPrice,
  variants: Type.Array(Variant),
  promotion: Type.Union([ProductPromotion, Type.Null()]),
  collectible: Type.Boolean(),
  editionSize: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.Union([Type.Literal('active'), Type.Literal('archived')]),
});
export type Product = Static<typeof Product>;

export const ProductsPage = PagedResponse(Product);

export const LiveSession = Type.Object({
  id: Uuid,
  title: Type.String(),
  startsAt: Type.String(),
  endsAt: Type.String(),
  isLive: Type.Boolean(),
  viewers: Type.Integer(),
  streamUrl: Nullable(Type.String()),
  products: Type.Array(
    Type.Object({ productId: Uuid, variantId: Type.Union([Uuid, Type.Null()]), livePrice: Money }),
  ),
});
export type LiveSession = Static<typeof LiveSession>;

export const LiveList = Type.Object({ data: Type.Array(LiveSession) });

export const Category = Type.Object({ slug: CategorySlug, name: Type.String() });
export const CategoryList = Type.Object({ data: Type.Array(Category) });

export const LiveJoinBody = Type.Object(
  {
    viewerId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'An anonymous viewer: a random id kept for the page (ignored when signed in)',
      }),
    ),
  },
  { additionalProperties: false, description: 'Optional: a request without a body is {}' },
);
export const LiveJoin = Type.Object({ liveId: Type.String(), viewers: Type.Integer() });

export const CartItem = Type.Object({
  id: Uuid,
  productId: Uuid,
  variantId: Uuid,
  name: Type.String(),
  variantLabel: Type.String(),
  image: Nullable(Type.String()),
  quantity: Type.Integer(),
  unitPrice: Money,
  originalUnitPrice: Money,
  displayPrice: DisplayPrice,
  lineTotal: Money,
  available: Type.Integer(),
});

export const Cart = Type.Object({
  id: Type.Union([Uuid, Type.Null()]),
  club: Club,
  items: Type.Array(CartItem),
  count: Type.Integer(),
  subtotal: Money,
  discounts: Type.Array(Type.Object({ label: Type.String(), amount: Money })),
  discountTotal: Money,
  cashback: Type.Object({ rate: Type.String(), amount: Money }),
  total: Money,
  discountCode: Nullable(Type.String()),
});
export type Cart = Static<typeof Cart>;

export const Quantity = Type.Integer({ minimum: 1, maximum: 99 });
export const AddToCartBody = Type.Object(
  {
    productId: Uuid,
    variantId: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'Optional when the product has exactly one variant (the server picks it); a product with several answers ' +
          '422 variant_required without it',
      }),
    ),
    quantity: Type.Optional(Quantity),
  },
  strict,
);
export type AddToCartBody = Static<typeof AddToCartBody>;
export const UpdateItemBody = Type.Object({ quantity: Type.Integer({ minimum: 0, maximum: 99 }) }, strict);
export const DiscountBody = Type.Object(
  { club: Slug, code: Type.String({ minLength: 1, maxLength: 40 }) },
  strict,
);
export const CheckoutBody = Type.Object(
  {
    club: Slug,
    expectedTotal: Type.Optional(
      Type.String({
        pattern: PRICE_PATTERN,
        description:
          "The total the fan was shown (the cart's total.amount). Only exactly that is charged: another total " +
          'answers 409 promotion_ended or price_changed with the new total, and nothing is charged. The widget always ' +
          'sends it; without it a REST client is still refused (promotion_ended) when its discount code no longer ' +
          'applies, but other price moves are charged as priced.',
      }),
    ),
  },
  strict,
);

export const Order = Type.Object({
  id: Uuid,
  number: Type.String(),
  club: Club,
  status: Type.Union(['pending', 'paid', 'failed', 'refunded'].map((s) => Type.Literal(s))),
  items: Type.Array(
    Type.Object({
      productId: Uuid,
      variantId: Uuid,
      name: Type.String(),
      variantLabel: Type.String(),
      quantity: Type.Integer(),
      unitPrice: Money,
      lineTotal: Money,
    }),
  ),
  subtotal: Money,
  discountTotal: Money,
  discounts: Type.Array(Type.Object({ label: Type.String(), amount: Money })),
  total: Money,
  refunded: Money,
  cashback: Type.Object({
    amount: Money,
    status: Type.Union(['pending', 'credited', 'reversed'].map((s) => Type.Literal(s))),
  }),
  history: Type.Array(Type.Object({ status: Type.String(), at: Type.String() })),
  createdAt: Type.String(),
});
export type Order = Static<typeof Order>;
export const OrdersPage = PagedResponse(Order);

export const ProvenanceRecord = Type.Object({
  seq: Type.Integer(),
  event: Type.Union([Type.Literal('minted'), Type.Literal('transferred')]),
  owner: Type.String(),
  at: Type.String(),
  hash: Type.String(),
  prevHash: Type.String(),
  signature: Type.String(),
});
export const CollectionItem = Type.Object({
  id: Uuid,
  productId: Uuid,
  name: Type.String(),
  serial: Type.String(),
  number: Type.Integer(),
  acquiredAt: Type.String(),
  orderId: Uuid,
  provenance: Type.Array(ProvenanceRecord),
});
export type CollectionItem = Static<typeof CollectionItem>;
export const CollectionPage = PagedResponse(CollectionItem);
export const Verification = Type.Object({
  id: Uuid,
  valid: Type.Boolean(),
  problems: Type.Array(Type.String()),
  keyId: Type.String(),
  publicKey: Type.String(),
});

// ——— admin ———

export const Localized = Type.Object(
  { fr: Type.String({ minLength: 1, maxLength: 2000 }), en: Type.String({ minLength: 1, maxLength: 2000 }) },
  strict,
);
export const VariantInput = Type.Object(
  {
    sku: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }),
    label: Type.String({ minLength: 1, maxLength: 80 }),
    attributes: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 80 }))),
    price: Price,
    stock: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  },
  strict,
);
export type VariantInput = Static<typeof VariantInput>;
export const CreateProductBody = Type.Object(
  {
    club: Slug,
    slug: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,80}$' })),
    category: CategorySlug,
    name: Localized,
    description: Type.Optional(
      Type.Object({ fr: Type.String({ maxLength: 4000 }), en: Type.String({ maxLength: 4000 }) }, strict),
    ),
    collectible: Type.Optional(Type.Boolean()),
    editionSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    variants: Type.Optional(Type.Array(VariantInput, { maxItems: 50 })),
  },
  strict,
);
export type CreateProductBody = Static<typeof CreateProductBody>;
export const UpdateProductBody = Type.Object(
  {
    category: Type.Optional(CategorySlug),
    name: Type.Optional(Localized),
    description: Type.Optional(
      Type.Object({ fr: Type.String({ maxLength: 4000 }), en: Type.String({ maxLength: 4000 }) }, strict),
    ),
  },
  strict,
);
export type UpdateProductBody = Static<typeof UpdateProductBody>;
export const UpdateVariantBody = Type.Object(
  {
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    price: Type.Optional(Price),
    stock: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    archived: Type.Optional(Type.Boolean()),
  },
  strict,
);
export type UpdateVariantBody = Static<typeof UpdateVariantBody>;

export const PromotionBody = Type.Object(
  {
    club: Slug,
    kind: Type.Union([Type.Literal('flash'), Type.Literal('code')]),
    code: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{2,40}$' })),
    label: Type.String({ minLength: 1, maxLength: 80 }),
    type: Type.Union([Type.Literal('percentage'), Type.Literal('fixed')]),
    value: Type.String({
      pattern: '^[0-9]{1,16}(\\.[0-9]{1,2})?$',
      description: 'Percent ("20" = 20 %) or a fixed EUR amount ("5.00")',
    }),
    productIds: Type.Optional(Type.Array(Uuid, { maxItems: 200 })),
    categories: Type.Optional(Type.Array(CategorySlug, { maxItems: 3 })),
    startsAt: Type.Optional(Timestamp),
    endsAt: Timestamp,
    budget: Type.Optional(
      Type.Object(
        {
          kind: Type.Union([Type.Literal('units'), Type.Literal('uses')]),
          limit: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
        },
        strict,
      ),
    ),
  },
  strict,
);
export type PromotionBody = Static<typeof PromotionBody>;
export const UpdatePromotionBody = Type.Object(
  {
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    endsAt: Type.Optional(Timestamp),
    archived: Type.Optional(Type.Boolean()),
  },
  strict,
);
export const AdminPromotion = Type.Object({
  id: Uuid,
  club: Type.String(),
  kind: Type.String(),
  code: Nullable(Type.String()),
  label: Type.String(),
  type: Type.String(),
  value: Type.String(),
  productIds: Type.Array(Type.String()),
  categories: Type.Array(Type.String()),
  startsAt: Type.String(),
  endsAt: Type.String(),
  budget: Type.Union([
    Type.Object({ kind: Type.String(), limit: Type.Integer(), used: Type.Integer() }),
    Type.Null(),
  ]),
  archived: Type.Boolean(),
});
export type AdminPromotion = Static<typeof AdminPromotion>;

/** A live session's video: an absolute http(s) URL only (javascript:, data:, file:… are refused with 400). */
export const StreamUrl = Type.String({
  format: 'uri',
  pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s]+$',
  maxLength: 500,
  description: 'The stream, an http(s) URL',
});
export const LiveBody = Type.Object(
  {
    club: Slug,
    title: Type.String({ minLength: 1, maxLength: 120 }),
    startsAt: Timestamp,
    endsAt: Timestamp,
    streamUrl: Type.Optional(StreamUrl),
    products: Type.Array(
      Type.Object({ productId: Uuid, variantId: Type.Optional(Uuid), livePrice: Price }, strict),
      { maxItems: 20 },
    ),
  },
  strict,
);
export type LiveBody = Static<typeof LiveBody>;
export const UpdateLiveBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    startsAt: Type.Optional(Timestamp),
    endsAt: Type.Optional(Timestamp),
    streamUrl: Type.Optional(StreamUrl),
    products: Type.Optional(
      Type.Array(Type.Object({ productId: Uuid, variantId: Type.Optional(Uuid), livePrice: Price }, strict), {
        maxItems: 20,
      }),
    ),
  },
  strict,
);
export type UpdateLiveBody = Static<typeof UpdateLiveBody>;

export const ClubSettings = Type.Object({
  partnerId: Uuid,
  slug: Type.String(),
  name: Type.String(),
  cashbackRate: Type.String(),
});
export const ClubSettingsBody = Type.Object(
  {
    cashbackRate: Type.String({ pattern: '^(0(\\.[0-9]{1,4})?|1(\\.0{1,4})?)$', description: 'e.g. "0.05"' }),
  },
  strict,
);
export const ClubParams = Type.Object({ club: Slug }, strict);
