import { randomUUID } from 'node:crypto';
import { type Club, newFan, type TestPlatform, testBackends } from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreatedProduct, createProduct, newClub, startShopPlatform } from './support.ts';

describe.each(testBackends())('shop uploads and live sessions are safe, on $name', (backend) => {
  let t: TestPlatform;
  let club: Club;
  let product: CreatedProduct;
  beforeAll(async () => {
    t = await startShopPlatform(backend);
    club = await newClub(t);
    product = await createProduct(t, club);
  });
  afterAll(() => t?.close());

  const upload = (body: string) =>
    t.request({
      method: 'POST',
      url: `/v1/shop/admin/products/${product.id}/images`,
      token: club.admin.token,
      headers: { 'content-type': 'image/svg+xml' },
      body,
    });

  it('an uploaded SVG is sanitised before it is stored: no script, handler or javascript: URL survives', async () => {
    const hostile = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<?xml-stylesheet href="https://evil.example/x.css"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100" onload="alert(1)">
  <script>alert(2)</script>
  <script xlink:href="https://evil.example/x.js"/>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#e30613"/></linearGradient></defs>
  <rect width="100" height="100" fill="url(#g)" onclick="alert(3)" onMouseOver="alert(4)"/>
  <a href="javascript:alert(5)"><text x="10" y="50">Allez</text></a>
  <a xlink:href="JaVaScRiPt:alert(6)"><circle r="5"/></a>
  <a href=" java&#x09;script:alert(7)"><circle r="6"/></a>
  <foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(8)"/></body></foreignObject>
  <animate attributeName="href" to="javascript:alert(9)"/>
  <set attributeName="onmouseover" to="alert(10)"/>
  <iframe src="javascript:alert(11)"/>
  <embed src="javascript:alert(12)"/>
</svg>`;
    const uploaded = await upload(hostile);
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const served = await t.request({ method: 'GET', url: uploaded.json().url });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(served.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(served.headers['content-security-policy']).not.toMatch(/script-src/);
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    const stored = served.body;
    expect(stored).not.toMatch(/<script/i);
    expect(stored).not.toMatch(/\son[a-z]+\s*=/i);
    expect(stored).not.toMatch(/javascript|java\s*script|&#x09;/i);
    expect(stored).not.toMatch(/foreignObject|<iframe|<embed|<animate|<set|xml-stylesheet|alert/i);
    // The drawing itself is kept: gradient, shapes, text, the viewBox.
    expect(stored).toContain('viewBox="0 0 100 100"');
    expect(stored).toContain('<linearGradient id="g">');
    expect(stored).toContain('<rect width="100" height="100" fill="url(#g)"/>');
    expect(stored).toContain('Allez');
  });

  it('refuses SVG bodies that are no SVG document or declare entities', async () => {
    for (const body of [
      '<svg-not xmlns="http://www.w3.org/2000/svg"/>',
      '<!DOCTYPE svg [<!ENTITY boom "boom">]><svg xmlns="http://www.w3.org/2000/svg"><text>&boom;</text></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"/><svg xmlns="http://www.w3.org/2000/svg"/>',
    ]) {
      const refused = await upload(body);
      expect(refused.statusCode, body).toBe(400);
      expect(refused.json().code).toBe('validation_failed');
    }
  });

  it('a live streamUrl must be http(s): javascript:, data:, file: and the like answer 400', async () => {
    const live = (streamUrl: string) =>
      t.request({
        method: 'POST',
        url: '/v1/shop/admin/live',
        token: club.admin.token,
        body: {
          club: club.slug,
          title: 'Live',
          startsAt: new Date(Date.now() - 60_000).toISOString(),
          endsAt: new Date(Date.now() + 3_600_000).toISOString(),
          streamUrl,
          products: [],
        },
      });
    const hostile = [
      'javascript:alert(1)',
      'JavaScript://%0Aalert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'vbscript:msgbox(1)',
      'ftp://example.com/video',
      'https://',
    ];
    for (const url of hostile) {
      const refused = await live(url);
      expect(refused.statusCode, url).toBe(400);
      expect(refused.json().code).toBe('validation_failed');
    }
    const created = await live('https://video.example.com/live/42.m3u8');
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().streamUrl).toBe('https://video.example.com/live/42.m3u8');
    for (const url of hostile) {
      const patched = await t.request({
        method: 'PATCH',
        url: `/v1/shop/admin/live/${created.json().id}`,
        token: club.admin.token,
        body: { streamUrl: url },
      });
      expect(patched.statusCode, url).toBe(400);
    }
    // A row written before the rule (or behind the API's back) is not shown.
    await t.platform
      .database('shop')
      .query(`UPDATE shop.live_sessions SET stream_url = 'javascript:alert(1)' WHERE id = $1`, [
        created.json().id,
      ]);
    const read = await t.request({ method: 'GET', url: `/v1/shop/live/${created.json().id}` });
    expect(read.json().streamUrl).toBeNull();
  });

  it('live viewers are counted once per fan or anonymous session, however often they join', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/v1/shop/admin/live',
      token: club.admin.token,
      body: {
        club: club.slug,
        title: 'Live viewers',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        products: [],
      },
    });
    const id = created.json().id as string;
    const join = (token?: string, body?: object) =>
      t.request({
        method: 'POST',
        url: `/v1/shop/live/${id}/join`,
        ...(token ? { token } : {}),
        ...(body ? { body } : {}),
      });
    const fan = await newFan(t);
    expect((await join(fan.token)).json()).toEqual({ liveId: id, viewers: 1 });
    expect((await join(fan.token)).json().viewers).toBe(1);
    // Joining again and again (a reload, a poll, a script) counts once, even all at once.
    await Promise.all(Array.from({ length: 5 }, () => join(fan.token)));
    expect((await join(fan.token, { viewerId: randomUUID() })).json().viewers).toBe(1);
    const other = await newFan(t);
    expect((await join(other.token)).json().viewers).toBe(2);
    const anonymous = randomUUID();
    expect((await join(undefined, { viewerId: anonymous })).json().viewers).toBe(3);
    expect((await join(undefined, { viewerId: anonymous })).json().viewers).toBe(3);
    // Anonymous without a viewer id: counted once per network address.
    expect((await join()).json().viewers).toBe(4);
    expect((await join()).json().viewers).toBe(4);
    expect((await t.request({ method: 'GET', url: `/v1/shop/live/${id}` })).json().viewers).toBe(4);
    expect((await join(undefined, { viewerId: 'not-a-uuid' })).statusCode).toBe(400);
    const missing = await t.request({ method: 'POST', url: `/v1/shop/live/${randomUUID()}/join` });
    expect(missing.statusCode).toBe(404);
  });
});
