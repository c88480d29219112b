import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityModule } from '@pcf/identity';
import type { ServiceModule } from '@pcf/kernel';
import { loadConfig } from '@pcf/kernel';
import { startTestPlatform, type TestPlatform, testBackends } from '@pcf/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformWebSurface } from '../src/web/web.surface.ts';

const backend = testBackends()[0]!;

describe('payment links: /pay/@handle', () => {
  let t: TestPlatform;
  let dir: string;
  let handle: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pcf-pay-'));
    const dirs = { widgets: `${dir}/widgets/`, sdk: `${dir}/sdk/`, demo: `${dir}/demo/` };
    for (const d of Object.values(dirs)) await mkdir(d);
    await writeFile(`${dirs.widgets}wallet-widget.html`, '<!doctype html><title>wallet</title>');
    const env = { PCF_PUBLIC_URL: 'http://platform.test:8080' };
    t = await startTestPlatform(backend, [identityModule as ServiceModule], env, [
      platformWebSurface(loadConfig(env, []), dirs),
    ]);
    const signup = await t.request({
      method: 'POST',
      url: '/v1/auth/signup',
      body: { email: 'lea@pay.test', password: 'pay-password-123', displayName: 'Léa <Martin>' },
    });
    handle = signup.json().user.handle;
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('names who is paid and the amount asked, above the wallet that opens the send filled in', async () => {
    const response = await t.request({ method: 'GET', url: `/pay/@${handle}?amount=12.5&asset=EUR` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    const html = response.body;
    // Escaped: a display name is the fan's own text.
    expect(html).toContain('Payer Léa &lt;Martin&gt;');
    expect(html).not.toContain('<Martin>');
    expect(html).toContain(`@${handle}`);
    expect(html).toContain('12,50 €');
    const src = /<iframe src="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    const widget = new URL(src ?? '', 'http://platform.test:8080');
    expect(widget.pathname).toBe('/widgets/wallet-widget.html');
    expect(widget.searchParams.get('pay')).toBe(`@${handle}`);
    expect(widget.searchParams.get('amount')).toBe('12.5');
    expect(widget.searchParams.get('asset')).toBe('EUR');
    expect(widget.searchParams.get('pk')).toBeNull();
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("frame-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('script-src');
  });

  it('speaks English when asked, and ignores a malformed amount or asset', async () => {
    const response = await t.request({
      method: 'GET',
      url: `/pay/@${handle}?amount=1e9&asset=DOGE`,
      headers: { 'accept-language': 'en-GB,en;q=0.9' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Pay Léa &lt;Martin&gt;');
    expect(response.body).toContain('You will choose the amount.');
    expect(response.body).not.toContain('1e9');
    expect(response.body).not.toContain('DOGE');
  });

  it('answers an unknown handle with a page saying so (404), and a path without @ with a 404 problem', async () => {
    const unknown = await t.request({ method: 'GET', url: '/pay/@nobody-here-42' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('Lien de paiement inconnu');
    expect(unknown.body).not.toContain('<iframe');
    const malformed = await t.request({ method: 'GET', url: '/pay/lea' });
    expect(malformed.statusCode).toBe(404);
    expect(malformed.headers['content-type']).toContain('application/problem+json');
  });
});
