import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_NAMES } from '@pcf/kernel';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The code that ships to browsers: it may know the services only through their contract types. */
const CLIENTS = ['apps/widgets/src', 'packages/widget-kit/src', 'packages/sdk/src'];

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
    ),
  );
  return nested.flat();
}

/** Imports of a service from client code that are not `import type … from '@pcf/<svc>/contract'`. */
export function clientViolations(source: string): string[] {
  const found: string[] = [];
  for (const [statement, typeOnly, specifier] of source.matchAll(
    /\b(?:import|export)\s+(type\s+)?[^'";]*?from\s+'(@pcf\/[a-z]+(?:\/[^']*)?|[./]+[^']*services\/[^']*)'/g,
  )) {
    const service = /^@pcf\/([a-z]+)/.exec(specifier ?? '')?.[1];
    const isService = service ? (SERVICE_NAMES as readonly string[]).includes(service) : true;
    if (!isService) continue;
    if (!typeOnly || !/^@pcf\/[a-z]+\/contract$/.test(specifier ?? ''))
      found.push(statement.replace(/\s+/g, ' '));
  }
  return found;
}

describe('one API contract from server to clients', () => {
  it('widgets, widget-kit and the SDK import services only as types from @pcf/<svc>/contract', async () => {
    const violations: string[] = [];
    for (const dir of CLIENTS) {
      for (const file of await sources(join(ROOT, dir))) {
        for (const statement of clientViolations(await readFile(file, 'utf8')))
          violations.push(`${relative(ROOT, file)}: ${statement}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('the guard catches a value import, a deep import and a server module', () => {
    expect(clientViolations("import type { Cart } from '@pcf/shop/contract';")).toEqual([]);
    expect(clientViolations("import { ApiClient } from '@pcf/widget-kit';")).toEqual([]);
    expect(clientViolations("import { Cart } from '@pcf/shop/contract';")).toHaveLength(1);
    expect(clientViolations("import type { Cart } from '@pcf/shop';")).toHaveLength(1);
    expect(
      clientViolations("import type { Cart } from '../../services/shop/src/shop.schema.ts';"),
    ).toHaveLength(1);
  });

  it.each(['identity', 'wallet', 'shop'])(
    '%s.contract.ts holds types only (nothing reaches a bundle)',
    async (svc) => {
      const source = await readFile(join(ROOT, 'services', svc, 'src', `${svc}.contract.ts`), 'utf8');
      const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const [statement] of code.matchAll(/^\s*(import|export)\b[^\n]*/gm)) {
        expect(statement).toMatch(/^\s*(import type|export type|export interface)\b/);
      }
      expect(code).not.toMatch(/^\s*(const|let|var|function|class)\b/m);
    },
  );
});
