/**
 * Build-time only (build.ts): standalone declarations of the contract types the SDK uses. The services publish their
 * API types as `Static<typeof Schema>` (`@pcf/<service>/contract`), which only TypeBox can read; the published
 * paiecashfan-sdk.d.ts must stand alone, so each type the SDK imports is printed here from its TypeBox schema (JSON
 * Schema at runtime) as a plain TypeScript type, descriptions kept as doc comments.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

type Schema = {
  type?: string;
  const?: unknown;
  anyOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  patternProperties?: Record<string, Schema>;
  description?: string;
};

const require = createRequire(import.meta.url);

/** A schema as a TypeScript type; throws on a schema shape it does not know (better than a wrong type). */
export function printType(schema: Schema, indent = ''): string {
  if (schema.anyOf) return schema.anyOf.map((member) => printType(member, indent)).join(' | ');
  if ('const' in schema) return JSON.stringify(schema.const);
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const item = printType(schema.items ?? {}, indent);
      return /[|&]/.test(item) && !item.startsWith('{') ? `(${item})[]` : `${item}[]`;
    }
    case 'object': {
      const pattern = Object.values(schema.patternProperties ?? {})[0];
      if (pattern) return `Record<string, ${printType(pattern, indent)}>`;
      const inner = `${indent}  `;
      const members = Object.entries(schema.properties ?? {}).map(([name, property]) => {
        const doc = property.description ? `${inner}/** ${property.description} */\n` : '';
        const optional = schema.required?.includes(name) ? '' : '?';
        return `${doc}${inner}${name}${optional}: ${printType(property, inner)};`;
      });
      return members.length === 0 ? '{}' : `{\n${members.join('\n')}\n${indent}}`;
    }
    default:
      throw new Error(`contract-declarations: unsupported schema ${JSON.stringify(schema)}`);
  }
}

/**
 * Declarations (`interface Name { … }` or `type Name = …`) of `names` exported by the contract module `specifier`,
 * each written there as `export type Name = Static<typeof S.Schema>`.
 */
export async function contractDeclarations(specifier: string, names: readonly string[]): Promise<string> {
  const file = require.resolve(specifier);
  const source = readFileSync(file, 'utf8');
  const schemaImport = /import type \* as (\w+) from '([^']+)';/.exec(source);
  if (!schemaImport) throw new Error(`${file}: no \`import type * as S from './….schema.ts'\``);
  const [, alias, schemaPath] = schemaImport as unknown as [string, string, string];
  const schemas = (await import(resolve(dirname(file), schemaPath))) as Record<string, Schema>;
  return names
    .map((name) => {
      const match = new RegExp(`export type ${name} = Static<typeof ${alias}\\.(\\w+)>;`).exec(source);
      const schema = match && schemas[match[1] as string];
      if (!schema) throw new Error(`${file}: ${name} is not a Static<typeof ${alias}.…> type`);
      const printed = printType(schema);
      const doc = schema.description ? `/** ${schema.description} */\n` : '';
      return printed.startsWith('{')
        ? `${doc}interface ${name} ${printed}`
        : `${doc}type ${name} = ${printed};`;
    })
    .join('\n\n');
}
