import { randomUUID } from 'node:crypto';
import type { IdentityPort } from '@pcf/identity/port';
import { type Database, type PortResolver, type Queryable, seedOnce } from '@pcf/kernel';
import type { CatalogueRepository } from './catalogue.repository.ts';
import { parseEur } from './money.ts';
import { type ClubColours, type PlaceholderKind, placeholderSvg } from './placeholders.ts';
import type { PromotionsRepository } from './promotions.repository.ts';

interface DemoClub {
  slug: string;
  name: string;
  adminEmail: string;
  colours: ClubColours;
  away: ClubColours;
  third: ClubColours;
}

const DEMO_CLUBS: DemoClub[] = [
  {
    slug: 'monaco',
    name: 'AS Monaco',
    adminEmail: 'admin@monaco.demo.paiecashfan.dev',
    colours: { primary: '#e2001a', secondary: '#ffffff', accent: '#c8a24a' },
    away: { primary: '#ffffff', secondary: '#e2001a', accent: '#c8a24a' },
    third: { primary: '#1b1b1b', secondary: '#c8a24a', accent: '#e2001a' },
  },
  {
    slug: 'psg',
    name: 'Paris Saint-Germain',
    adminEmail: 'admin@psg.demo.paiecashfan.dev',
    colours: { primary: '#004170', secondary: '#da291c', accent: '#ffffff' },
    away: { primary: '#ffffff', secondary: '#004170', accent: '#da291c' },
    third: { primary: '#0b0b0b', secondary: '#da291c', accent: '#ffffff' },
  },
];

const SIZES = ['S', 'M', 'L', 'XL', 'XXL'];

interface DemoProduct {
  key: string;
  category: 'maillots' | 'accessoires' | 'nft';
  name: [string, string];
  description: [string, string];
  kind: PlaceholderKind;
  colours: 'colours' | 'away' | 'third';
  price: string;
  variants: { sku: string; label: string; attributes: Record<string, string>; stock: number }[];
  collectible?: number;
}

const sized = (prefix: string, labelFr: string, stock: number) =>
  SIZES.map((size) => ({
    sku: `${prefix}-${size}`,
    label: `${labelFr} · ${size}`,
    attributes: { size },
    stock,
  }));
const single = (sku: string, label: string, stock: number) => [{ sku, label, attributes: {}, stock }];

function catalogue(club: DemoClub): DemoProduct[] {
  const n = club.name;
  return [
    {
      key: 'home',
      category: 'maillots',
      name: [`Maillot Domicile ${n} 2025/26`, `${n} Home Jersey 2025/26`],
      description: [
        `Le maillot domicile officiel de l’${n}, tissu respirant et coupe ajustée.`,
        `The official ${n} home jersey, breathable fabric, slim fit.`,
      ],
      kind: 'jersey',
      colours: 'colours',
      price: '89.90',
      variants: sized('HOME', 'Domicile', 40),
    },
    {
      key: 'away',
      category: 'maillots',
      name: [`Maillot Extérieur ${n} 2025/26`, `${n} Away Jersey 2025/26`],
      description: [
        `Le maillot extérieur officiel, pour suivre l’équipe partout.`,
        `The official away jersey.`,
      ],
      kind: 'jersey',
      colours: 'away',
      price: '89.90',
      variants: sized('AWAY', 'Extérieur', 30),
    },
    {
      key: 'third',
      category: 'maillots',
      name: [`Maillot Third ${n} 2025/26`, `${n} Third Jersey 2025/26`],
      description: [
        `Le troisième maillot, édition sombre et dorée.`,
        `The third jersey, a dark and gold edition.`,
      ],
      kind: 'jersey',
      colours: 'third',
      price: '94.90',
      variants: sized('THIRD', 'Third', 20),
    },
    {
      key: 'kids',
      category: 'maillots',
      name: [`Maillot Domicile Enfant ${n}`, `${n} Kids Home Jersey`],
      description: [`Le maillot domicile en taille enfant.`, `The home jersey in kids’ sizes.`],
      kind: 'jersey',
      colours: 'colours',
      price: '69.90',
      variants: ['6A', '8A', '10A', '12A'].map((size) => ({
        sku: `KIDS-${size}`,
        label: `Enfant · ${size}`,
        attributes: { size },
        stock: 25,
      })),
    },
    {
      key: 'scarf',
      category: 'accessoires',
      name: [`Écharpe officielle ${n}`, `${n} Official Scarf`],
      description: [`Écharpe tricotée aux couleurs du club.`, `A knitted scarf in the club’s colours.`],
      kind: 'scarf',
      colours: 'colours',
      price: '24.90',
      variants: single('SCARF', 'Taille unique', 200),
    },
    {
      key: 'scarf-retro',
      category: 'accessoires',
      name: [`Écharpe rétro ${n}`, `${n} Retro Scarf`],
      description: [`Écharpe au motif rétro des années 90.`, `A scarf with a 90s retro pattern.`],
      kind: 'scarf',
      colours: 'third',
      price: '29.90',
      variants: single('SCARF-RETRO', 'Taille unique', 120),
    },
    {
      key: 'cap',
      category: 'accessoires',
      name: [`Casquette logo ${n}`, `${n} Logo Cap`],
      description: [`Casquette brodée du logo, réglable.`, `An adjustable cap with the embroidered crest.`],
      kind: 'cap',
      colours: 'colours',
      price: '29.90',
      variants: single('CAP', 'Réglable', 80),
    },
    {
      key: 'beanie',
      category: 'accessoires',
      name: [`Bonnet hiver ${n}`, `${n} Winter Beanie`],
      description: [`Bonnet chaud pour les soirs de match.`, `A warm beanie for match nights.`],
      kind: 'cap',
      colours: 'away',
      price: '22.90',
      variants: single('BEANIE', 'Taille unique', 60),
    },
    {
      key: 'ball',
      category: 'accessoires',
      name: [`Ballon officiel ${n}`, `${n} Official Ball`],
      description: [`Ballon taille 5 aux couleurs du club.`, `A size 5 ball in the club’s colours.`],
      kind: 'ball',
      colours: 'colours',
      price: '34.90',
      variants: [
        { sku: 'BALL-5', label: 'Taille 5', attributes: { size: '5' }, stock: 50 },
        { sku: 'BALL-1', label: 'Mini · Taille 1', attributes: { size: '1' }, stock: 80 },
      ],
    },
    {
      key: 'flag',
      category: 'accessoires',
      name: [`Drapeau ${n}`, `${n} Flag`],
      description: [`Drapeau 90 × 140 cm pour la tribune.`, `A 90 × 140 cm flag for the stands.`],
      kind: 'item',
      colours: 'colours',
      price: '19.90',
      variants: single('FLAG', '90 × 140 cm', 70),
    },
    {
      key: 'bottle',
      category: 'accessoires',
      name: [`Gourde isotherme ${n}`, `${n} Insulated Bottle`],
      description: [`Gourde inox 500 ml.`, `A 500 ml stainless steel bottle.`],
      kind: 'item',
      colours: 'away',
      price: '19.90',
      variants: single('BOTTLE', '500 ml', 90),
    },
    {
      key: 'nft',
      category: 'nft',
      name: [`Carte collector numérotée ${n} — Légendes`, `${n} Numbered Collector Card — Legends`],
      description: [
        `Objet numérique numéroté (édition de 100) avec certificat de provenance signé.`,
        `A numbered digital collectible (edition of 100) with a signed provenance certificate.`,
      ],
      kind: 'card',
      colours: 'colours',
      price: '9.90',
      variants: single('NFT-LEGENDS', 'Édition limitée', 100),
      collectible: 100,
    },
  ];
}

/**
 * Demo catalogue for AS Monaco and PSG, once per database: ~12 products each, a running flash sale on scarves
 * (−20 %, budget 500 units, 7 days), the code ALLEZ10 (−10 %), and a live session running now with two pinned
 * products at live prices. The clubs are found through identity's port (their demo admins).
 */
export async function seedShopDemo(deps: {
  db: Database;
  ports: PortResolver;
  catalogue: CatalogueRepository;
  promotions: PromotionsRepository;
}): Promise<string[]> {
  const identity = deps.ports.get<IdentityPort>('identity');
  const lines: string[] = [];
  for (const club of DEMO_CLUBS) {
    const admin = await identity.findUser(club.adminEmail).catch(() => null);
    if (!admin?.partnerId) continue;
    const partnerId = admin.partnerId;
    await deps.catalogue.upsertClub({ partnerId, slug: club.slug, name: club.name });
    const seeded = await seedOnce(deps.db, 'shop', `shop-demo-${club.slug}-v1`, (tx) =>
      seedClub(deps, tx, club, partnerId),
    );
    if (seeded)
      lines.push(`Demo shop for ${club.name}: 12 products, flash sale on scarves, code ALLEZ10, live now`);
  }
  return lines;
}

async function seedClub(
  deps: { catalogue: CatalogueRepository; promotions: PromotionsRepository },
  tx: Queryable,
  club: DemoClub,
  partnerId: string,
): Promise<void> {
  const ids = new Map<string, string>();
  for (const product of catalogue(club)) {
    const id = randomUUID();
    ids.set(product.key, id);
    await deps.catalogue.insertProduct(
      {
        id,
        partnerId,
        slug: product.key,
        category: product.category,
        nameFr: product.name[0],
        nameEn: product.name[1],
        descriptionFr: product.description[0],
        descriptionEn: product.description[1],
        collectible: product.collectible !== undefined,
        editionSize: product.collectible ?? null,
      },
      tx,
    );
    for (const [position, variant] of product.variants.entries()) {
      await deps.catalogue.insertVariant(
        { ...variant, id: randomUUID(), productId: id, price: parseEur(product.price, 'price'), position },
        tx,
      );
    }
    const label = product.kind === 'jersey' ? club.slug.slice(0, 3).toUpperCase() : '';
    await deps.catalogue.insertImage(
      {
        id: randomUUID(),
        partnerId,
        productId: id,
        contentType: 'image/svg+xml',
        bytes: placeholderSvg(product.kind, club[product.colours], label),
      },
      tx,
    );
  }
  const now = Date.now();
  const day = 86_400_000;
  await deps.promotions.insertPromotion(
    {
      id: randomUUID(),
      partnerId,
      kind: 'flash',
      code: null,
      label: 'Vente flash −20 % écharpes',
      type: 'percentage',
      value: 2000n,
      productIds: [ids.get('scarf')!, ids.get('scarf-retro')!],
      categories: [],
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 7 * day).toISOString(),
      budgetKind: 'units',
      budget: 500,
    },
    tx,
  );
  await deps.promotions.insertPromotion(
    {
      id: randomUUID(),
      partnerId,
      kind: 'code',
      code: 'ALLEZ10',
      label: 'Code ALLEZ10 (−10 %)',
      type: 'percentage',
      value: 1000n,
      productIds: [],
      categories: [],
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 365 * day).toISOString(),
      budgetKind: null,
      budget: null,
    },
    tx,
  );
  await deps.promotions.saveLive(
    {
      id: randomUUID(),
      partnerId,
      title: `Live vestiaire ${club.name} : les nouveaux maillots`,
      startsAt: new Date(now - 10 * 60_000).toISOString(),
      endsAt: new Date(now + 3 * 3_600_000).toISOString(),
      streamUrl: null,
    },
    [
      { productId: ids.get('home')!, variantId: null, livePrice: parseEur('79.90', 'livePrice') },
      { productId: ids.get('cap')!, variantId: null, livePrice: parseEur('24.90', 'livePrice') },
    ],
    tx,
  );
}
