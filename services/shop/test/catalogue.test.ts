import { adminLogin, type Club, newFan, type TestPlatform, testBackends } from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreatedProduct, createProduct, newClub, startShopPlatform } from './support.ts';

describe.each(testBackends())('shop catalogue on $name', (backend) => {
  let t: TestPlatform;
  let monaco: Club;
  let psg: Club;
  let home: CreatedProduct;
  let away: CreatedProduct;
  beforeAll(async () => {
    t = await startShopPlatform(backend);
    monaco = await newClub(t);
    psg = await newClub(t);
    home = await createProduct(t, monaco, {
      category: 'maillots',
      name: { fr: 'Maillot Domicile 2025/26', en: 'Home Jersey 2025/26' },
      description: { fr: 'Le maillot domicile officiel, coupe ajustée.', en: 'The official home jersey.' },
      price: '89.90',
      sizes: ['S', 'M', 'L', 'XL', 'XXL'],
    });
    away = await createProduct(t, monaco, {
      category: 'maillots',
      name: { fr: 'Maillot Extérieur 2025/26', en: 'Away Jersey 2025/26' },
      description: { fr: 'Le maillot extérieur officiel.', en: 'The official away jersey.' },
      price: '89.90',
      sizes: ['M'],
      stock: 0,
    });
    await createProduct(t, monaco, {
      name: { fr: 'Écharpe officielle', en: 'Official Scarf' },
      description: { fr: 'Écharpe tricotée aux couleurs du club.', en: 'A knitted scarf.' },
      price: '24.90',
    });
    await createProduct(t, monaco, {
      name: { fr: 'Casquette logo', en: 'Logo Cap' },
      description: { fr: 'Casquette brodée, réglable.', en: 'An adjustable cap.' },
      price: '29.90',
    });
    await createProduct(t, monaco, {
      name: { fr: 'Ballon officiel', en: 'Official Ball' },
      description: { fr: 'Ballon taille 5.', en: 'A size 5 ball.' },
      price: '34.90',
    });
    await createProduct(t, psg, {
      category: 'maillots',
      name: { fr: 'Maillot Domicile PSG', en: 'PSG Home Jersey' },
      price: '99.90',
    });
  });
  afterAll(() => t.close());

  const list = async (query: string) => {
    const response = await t.request({
      method: 'GET',
      url: `/v1/shop/products?club=${monaco.slug}&${query}`,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as {
      data: { id: string; name: string; priceFrom: { amount: string } }[];
      nextCursor: string | null;
    };
  };
  const ids = async (query: string) => (await list(query)).data.map((p) => p.id).sort();

  it('lists a club’s products with variants, prices in decimal strings, and only that club’s', async () => {
    const page = await list('');
    expect(page.data).toHaveLength(5);
    const product = (await t.request({ method: 'GET', url: `/v1/shop/products/${home.id}` })).json();
    expect(product).toMatchObject({
      id: home.id,
      club: { slug: monaco.slug },
      category: 'maillots',
      name: 'Maillot Domicile 2025/26',
      priceFrom: { amount: '89.90', asset: 'EUR' },
      promotion: null,
      collectible: false,
    });
    expect(product.variants).toHaveLength(5);
    expect(product.variants[0]).toMatchObject({
      label: 'Taille S',
      price: { amount: '89.90' },
      salePrice: null,
      stock: 10,
      inStock: true,
    });
    const en = (await t.request({ method: 'GET', url: `/v1/shop/products/${home.id}?locale=en` })).json();
    expect(en.name).toBe('Home Jersey 2025/26');
  });

  it('filters by category, price range and stock, and pages with a cursor', async () => {
    expect(await ids('category=maillots')).toEqual([home.id, away.id].sort());
    expect((await list('minPrice=25&maxPrice=35')).data.map((p) => p.name).sort()).toEqual([
      'Ballon officiel',
      'Casquette logo',
    ]);
    expect(await ids('category=maillots&inStock=true')).toEqual([home.id]);
    const first = await list('limit=2');
    expect(first.data).toHaveLength(2);
    const second = await list(`limit=2&cursor=${first.nextCursor}`);
    const third = await list(`limit=2&cursor=${second.nextCursor}`);
    expect(third.nextCursor).toBeNull();
    const all = [...first.data, ...second.data, ...third.data].map((p) => p.id);
    expect(new Set(all).size).toBe(5);
  });

  it('searches in French and English, ignoring case and accents, tolerating typos', async () => {
    const jerseys = [home.id, away.id].sort();
    expect(await ids('q=MAILLOT')).toEqual(jerseys);
    expect(await ids('q=maill%C3%B4t')).toEqual(jerseys);
    expect(await ids('q=maillots')).toEqual(jerseys);
    expect(await ids('q=maillto')).toEqual(jerseys);
    expect(await ids('q=jerseys')).toEqual(jerseys);
    expect(await ids('q=maillot%20domicile')).toEqual([home.id]);
    expect((await list('q=echarpe')).data.map((p) => p.name)).toEqual(['Écharpe officielle']);
    expect((await list('q=%C3%89CHARPES')).data.map((p) => p.name)).toEqual(['Écharpe officielle']);
    expect((await list('q=ballon%20domicile')).data).toEqual([]);
  });

  it('answers bad input with 4xx problems, never 500', async () => {
    const cases = [
      '/v1/shop/products',
      '/v1/shop/products?club=monaco&limit=0',
      `/v1/shop/products?club=${monaco.slug}&minPrice=abc`,
      `/v1/shop/products?club=${monaco.slug}&minPrice=50&maxPrice=10`,
      `/v1/shop/products?club=${monaco.slug}&cursor=nope`,
      `/v1/shop/products?club=${monaco.slug}&category=shoes`,
      '/v1/shop/products/not-a-uuid',
      '/v1/shop/products?club=unknown-club',
      '/v1/shop/products/00000000-0000-4000-8000-000000000000',
      '/v1/shop/images/00000000-0000-4000-8000-000000000000',
    ];
    for (const url of cases) {
      const response = await t.request({ method: 'GET', url });
      expect(response.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, url).toBeLessThan(500);
      expect(response.headers['content-type'], url).toMatch(/application\/problem\+json/);
      expect(response.json().code, url).toEqual(expect.any(String));
    }
    const bad = await t.request({
      method: 'POST',
      url: '/v1/shop/admin/products',
      token: monaco.admin.token,
      body: {
        club: monaco.slug,
        category: 'maillots',
        name: { fr: 'x', en: 'x' },
        variants: [{ sku: 'A', label: 'A', price: '-1', stock: 1 }],
      },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('lets a partner admin manage only their own club', async () => {
    const fan = await newFan(t);
    const asFan = await t.request({
      method: 'POST',
      url: '/v1/shop/admin/products',
      token: fan.token,
      body: { club: monaco.slug, category: 'accessoires', name: { fr: 'X', en: 'X' } },
    });
    expect(asFan.statusCode).toBe(403);
    const intoMonaco = await t.request({
      method: 'POST',
      url: '/v1/shop/admin/products',
      token: psg.admin.token,
      body: { club: monaco.slug, category: 'accessoires', name: { fr: 'X', en: 'X' } },
    });
    expect(intoMonaco.statusCode).toBe(403);
    expect(intoMonaco.json().code).toBe('not_club_admin');
    const patch = await t.request({
      method: 'PATCH',
      url: `/v1/shop/admin/products/${home.id}`,
      token: psg.admin.token,
      body: { name: { fr: 'Pirate', en: 'Pirate' } },
    });
    expect(patch.statusCode).toBe(404);
    const stock = await t.request({
      method: 'PATCH',
      url: `/v1/shop/admin/variants/${home.variants[0]!.id}`,
      token: psg.admin.token,
      body: { stock: 0 },
    });
    expect(stock.statusCode).toBe(404);
    const image = await t.request({
      method: 'POST',
      url: `/v1/shop/admin/products/${home.id}/images`,
      token: psg.admin.token,
      headers: { 'content-type': 'image/svg+xml' },
      body: '<svg xmlns="http://www.w3.org/2000/svg"/>',
    });
    expect(image.statusCode).toBe(404);
    const settings = await t.request({
      method: 'PATCH',
      url: `/v1/shop/admin/clubs/${monaco.slug}`,
      token: psg.admin.token,
      body: { cashbackRate: '0.5' },
    });
    expect(settings.statusCode).toBe(403);
    // The platform admin manages any club.
    const root = (await adminLogin(t)).token;
    const rename = await t.request({
      method: 'PATCH',
      url: `/v1/shop/admin/products/${away.id}`,
      token: root,
      body: { description: { fr: 'Le maillot extérieur officiel, édition bleue.', en: 'The away jersey.' } },
    });
    expect(rename.statusCode, rename.body).toBe(200);
  });

  it('stores and serves images uploaded by the club’s admin', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>';
    const uploaded = await t.request({
      method: 'POST',
      url: `/v1/shop/admin/products/${home.id}/images`,
      token: monaco.admin.token,
      headers: { 'content-type': 'image/svg+xml' },
      body: svg,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const served = await t.request({ method: 'GET', url: uploaded.json().url });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect(served.body).toBe(svg);
    const product = (await t.request({ method: 'GET', url: `/v1/shop/products/${home.id}` })).json();
    expect(product.images).toContain(uploaded.json().url);
    const notPng = await t.request({
      method: 'POST',
      url: `/v1/shop/admin/products/${home.id}/images`,
      token: monaco.admin.token,
      headers: { 'content-type': 'image/png' },
      body: 'hello',
    });
    expect(notPng.statusCode).toBe(400);
    const gif = await t.request({
      method: 'POST',
      url: `/v1/shop/admin/products/${home.id}/images`,
      token: monaco.admin.token,
      headers: { 'content-type': 'image/gif' },
      body: 'GIF89a',
    });
    expect(gif.statusCode).toBe(415);
  });

  it('archives products out of the public catalogue and lists categories', async () => {
    const product = await createProduct(t, monaco, { name: { fr: 'Gourde', en: 'Bottle' } });
    const archived = await t.request({
      method: 'POST',
      url: `/v1/shop/admin/products/${product.id}/archive`,
      token: monaco.admin.token,
    });
    expect(archived.json().status).toBe('archived');
    expect((await t.request({ method: 'GET', url: `/v1/shop/products/${product.id}` })).statusCode).toBe(404);
    const admin = await t.request({
      method: 'GET',
      url: `/v1/shop/admin/products?club=${monaco.slug}&limit=100`,
      token: monaco.admin.token,
    });
    expect(admin.json().data.map((p: { id: string }) => p.id)).toContain(product.id);
    const categories = await t.request({
      method: 'GET',
      url: `/v1/shop/categories?club=${monaco.slug}&locale=en`,
    });
    expect(categories.json().data.map((c: { slug: string }) => c.slug)).toEqual([
      'maillots',
      'accessoires',
      'nft',
    ]);
  });
});
