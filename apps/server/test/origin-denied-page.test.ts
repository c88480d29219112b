import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deniedParent, originDeniedPage } from '../src/web/origin-denied-page.ts';

const ALLOWED = ['http://platform.test:8080', 'https://club.example'];
const framed = (referer?: string) => ({ 'sec-fetch-dest': 'iframe', referer });

describe('the page served to a frame whose parent the key does not allow', () => {
  it('is served only to a frame load from an origin the known key does not list', () => {
    expect(deniedParent(framed('https://evil.example/page?x=1'), ALLOWED)).toBe('https://evil.example');
    expect(deniedParent(framed('https://club.example/'), ALLOWED)).toBeNull();
    expect(deniedParent(framed('http://platform.test:8080/demo'), ALLOWED)).toBeNull();
    // Browsers send Sec-Fetch-Dest only to secure origins: without it, a disallowed Referer is denied too.
    expect(deniedParent({ referer: 'https://evil.example/' }, ALLOWED)).toBe('https://evil.example');
    // A top-level visit, a frame that does not say where it is, garbage, or an unknown key (whose page shows its own error).
    expect(
      deniedParent({ referer: 'https://evil.example/', 'sec-fetch-dest': 'document' }, ALLOWED),
    ).toBeNull();
    expect(deniedParent(framed(undefined), ALLOWED)).toBeNull();
    expect(deniedParent(framed('not a url'), ALLOWED)).toBeNull();
    expect(
      deniedParent({ ...framed('http://127.0.0.1:8080/demo'), 'sec-fetch-site': 'same-origin' }, ALLOWED),
    ).toBeNull();
    expect(deniedParent(framed('https://evil.example/'), '*')).toBeNull();
  });

  it('carries no data, posts PCF_ORIGIN_DENIED only to the parent origin, and runs only its own script', () => {
    const { html, csp } = originDeniedPage('shop');
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(script).toContain('{"ns":"pcf","v":1,"widget":"shop","type":"PCF_ORIGIN_DENIED","data":{}}');
    expect(script).not.toMatch(/'\*'|"\*"/);
    expect(csp).toContain(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain('frame-ancestors *');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('data-code="PCF_ORIGIN_DENIED"');
  });
});
