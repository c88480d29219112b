import type { Topic } from './topic.ts';

/** The parts of a JSON schema (as TypeBox builds them) that the catalogue describes. */
interface JsonSchema {
  type?: string;
  const?: unknown;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  format?: string;
  pattern?: string;
  description?: string;
}

/**
 * The topic catalogue as Markdown: a summary table, then one section per topic with a table of its payload's fields
 * (nested objects and arrays flattened as `a.b` and `list[].field`). Deterministic: topics sorted by name, fields in
 * schema order, so a test can compare it with docs/events.md.
 */
export function renderTopicCatalogue(topics: readonly Topic[]): string {
  const sorted = [...topics].sort((a, b) => a.name.localeCompare(b.name));
  const lines = ['| topic | version | emitted by | emitted when |', '| --- | --- | --- | --- |'];
  for (const t of sorted) {
    lines.push(
      `| [\`${t.name}\`](#${anchor(t.name)}) | ${t.version} | ${t.source} | ${cell(t.description)} |`,
    );
  }
  for (const t of sorted) {
    lines.push(
      '',
      `### \`${t.name}\``,
      '',
      `Version ${t.version}, emitted by **${t.source}** when ${sentence(t.description)}`,
    );
    lines.push('', '| field | type | description |', '| --- | --- | --- |');
    for (const field of fields(t.schema as JsonSchema, '')) {
      lines.push(
        `| \`${field.path}\`${field.optional ? ' (optional)' : ''} | ${cell(field.type)} | ${cell(field.description)} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

interface Field {
  path: string;
  optional: boolean;
  type: string;
  description: string;
}

function fields(schema: JsonSchema, prefix: string): Field[] {
  const out: Field[] = [];
  const required = new Set(schema.required ?? []);
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${name}`;
    out.push({
      path,
      optional: !required.has(name),
      type: typeOf(property),
      description: describe(property),
    });
    if (property.type === 'object') out.push(...fields(property, `${path}.`));
    if (property.type === 'array' && property.items?.type === 'object') {
      out.push(...fields(property.items, `${path}[].`));
    }
  }
  return out;
}

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' | ');
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'unknown'}[]`;
  if (schema.type === 'string' && schema.format) return `string (${schema.format})`;
  return schema.type ?? 'unknown';
}

/** A field's description, or its first union member's (`Nullable(Type.String({ description }))`). */
function describe(schema: JsonSchema): string {
  return schema.description ?? schema.anyOf?.find((member) => member.description)?.description ?? '';
}

/** The description as the end of a sentence. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** Table cell text: pipes escaped, on one line. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** GitHub's heading anchor for a heading that is just the topic name in backticks. */
function anchor(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]/g, '');
}
