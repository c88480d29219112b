import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_NAMES } from '@pcf/kernel';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

async function files(dir: string, pattern: RegExp): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? files(join(dir, e.name), pattern) : pattern.test(e.name) ? [join(dir, e.name)] : [],
    ),
  );
  return nested.flat();
}

/** Schema-qualified table references to another service's schema. */
function crossSchemaReferences(source: string, service: string): string[] {
  const found: string[] = [];
  for (const [statement, schema] of source.matchAll(
    /\b(?:FROM|JOIN|INTO|UPDATE|TABLE|REFERENCES)\s+([a-z_]+)\.[a-z_]+/gi,
  )) {
    if (schema && schema !== service && (SERVICE_NAMES as readonly string[]).includes(schema))
      found.push(statement);
  }
  return found;
}

const services = (await readdir(join(ROOT, 'services'))).filter((s) =>
  (SERVICE_NAMES as readonly string[]).includes(s),
);

describe('service boundaries', () => {
  it.each(services)(
    '%s source imports only the kernel, other services’ ports and event topics, and npm packages',
    async (service) => {
      const violations: string[] = [];
      for (const file of await files(join(ROOT, 'services', service), /\.ts$/)) {
        const source = await readFile(file, 'utf8');
        for (const [, specifier] of source.matchAll(/from\s+'([^']+)'/g)) {
          if (!specifier) continue;
          const other = /^@pcf\/([a-z]+)(\/.*)?$/.exec(specifier);
          // Tests may compose a platform with other services' modules; source code may not.
          const isTest = relative(join(ROOT, 'services', service), file).startsWith('test');
          if (
            other &&
            other[1] !== 'kernel' &&
            other[1] !== service &&
            !['/port', '/events', '/payment-saga'].includes(other[2] ?? '') &&
            !isTest
          ) {
            violations.push(`${relative(ROOT, file)} imports ${specifier}`);
          }
          if (specifier.startsWith('.')) {
            const target = relative(join(ROOT, 'services', service), join(file, '..', specifier));
            if (target.startsWith('..'))
              violations.push(`${relative(ROOT, file)} reaches outside its service: ${specifier}`);
          }
        }
      }
      expect(violations).toEqual([]);
    },
  );

  it.each(services)('%s SQL touches only its own schema', async (service) => {
    const violations: string[] = [];
    const sources = [
      ...(await files(join(ROOT, 'services', service, 'src'), /\.ts$/)),
      ...(await files(join(ROOT, 'services', service, 'migrations'), /\.sql$/)),
    ];
    for (const file of sources) {
      const source = await readFile(file, 'utf8');
      for (const statement of crossSchemaReferences(source, service))
        violations.push(`${relative(ROOT, file)}: ${statement}`);
    }
    expect(violations).toEqual([]);
  });

  it('the guard would catch a cross-service query', () => {
    const sample = 'SELECT * FROM wallet.accounts a JOIN identity.users u ON u.id = a.owner';
    expect(crossSchemaReferences(sample, 'wallet')).toEqual(['JOIN identity.users']);
    expect(crossSchemaReferences(sample, 'identity')).toEqual(['FROM wallet.accounts']);
  });
});
