import { type StringOptions, type TString, Type } from '@sinclair/typebox';

/**
 * Text that no input may carry, whatever the field: every string of a request part that has a schema (params,
 * query, headers, body — values and property names) is checked before the schema itself, for every route of every
 * service (http/validation.ts). Three kinds:
 *
 * - `nul` — U+0000: PostgreSQL's text and jsonb cannot store it (the query fails);
 * - `surrogate` — an unpaired UTF-16 surrogate (U+D800–U+DFFF alone), which is not Unicode text: UTF-8 cannot
 *   encode it, so it would be stored silently replaced by U+FFFD;
 * - `bidi` — the explicit bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069),
 *   which reorder how the text *around* them is shown to other people ("Trojan Source", spoofed names and notes).
 *   Marks that only set a direction (U+200E/U+200F) remain allowed.
 *
 * A field's schema picks how the rule applies with the `x-pcf-text` keyword (see the helpers below):
 * `strict` (the default: any of the three is a 400 naming the field), `secret` (passwords: never shown to anyone,
 * so bidi controls are allowed; NUL and surrogates are still refused) and `search` (search text: the three kinds
 * are removed instead of refused, and the schema then validates what is left).
 */
export const TEXT_POLICY_KEYWORD = 'x-pcf-text';
export type TextPolicy = 'strict' | 'secret' | 'search';
export type UnsafeTextKind = 'nul' | 'surrogate' | 'bidi';

/** A string field for secrets (passwords): bidi controls allowed, NUL and unpaired surrogates refused. */
export function SecretString(options: StringOptions = {}): TString {
  return Type.String({ ...options, [TEXT_POLICY_KEYWORD]: 'secret' });
}

/** A string field for search text: NUL, unpaired surrogates and bidi controls are removed, not refused. */
export function SearchString(options: StringOptions = {}): TString {
  return Type.String({ ...options, [TEXT_POLICY_KEYWORD]: 'search' });
}

// Without the `u` flag a regular expression sees UTF-16 code units, so surrogates can be matched one by one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is what this expression is for
const ANY_UNSAFE = /[\u0000\uD800-\uDFFF\u202A-\u202E\u2066-\u2069]/;
const REMOVABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing NUL is what this expression is for
  /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\u202A-\u202E\u2066-\u2069]/g;

const MESSAGES: Record<UnsafeTextKind, string> = {
  nul: 'must not contain NUL characters (U+0000)',
  surrogate: 'must be well-formed Unicode (it contains an unpaired surrogate)',
  bidi: 'must not contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069)',
};

/** The first kind of forbidden text in value under policy, or null when the text is acceptable. */
export function unsafeTextKind(value: string, policy: TextPolicy = 'strict'): UnsafeTextKind | null {
  // Fast path: almost every string has none of these characters (one scan, no lookbehind).
  if (!ANY_UNSAFE.test(value)) return null;
  if (value.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(value)) return 'surrogate';
  if (policy !== 'secret' && BIDI_CONTROL.test(value)) return 'bidi';
  return null;
}

/** The human message for a kind ("must not contain NUL characters (U+0000)"). */
export function unsafeTextMessage(kind: UnsafeTextKind): string {
  return MESSAGES[kind];
}

/** value without NUL, unpaired surrogates and bidi controls (what `search` fields receive). */
export function removeUnsafeText(value: string): string {
  return ANY_UNSAFE.test(value) ? value.replace(REMOVABLE, '') : value;
}

/** One refused string: where it is (Ajv-style JSON pointer, e.g. "/note" or "/items/0/label") and why. */
export interface TextIssue {
  instancePath: string;
  keyword: 'text';
  message: string;
  params: { kind: UnsafeTextKind; propertyName?: string };
}

type SchemaNode = Record<string, unknown> | undefined;

const MAX_ISSUES = 10;

/**
 * Checks every string in data (values and property names) against the policy its schema gives it; strings of
 * `search` fields are cleaned in place. Returns the cleaned value (a new string when data itself is one) and the
 * issues found (at most 10). Walks iteratively, so a deeply nested body cannot exhaust the stack.
 */
export function inspectText(data: unknown, schema: unknown): { value: unknown; issues: TextIssue[] } {
  const issues: TextIssue[] = [];
  if (typeof data === 'string') {
    const policy = policyOf(schema as SchemaNode);
    if (policy === 'search') return { value: removeUnsafeText(data), issues };
    const kind = unsafeTextKind(data, policy);
    if (kind) issues.push(issue('', kind));
    return { value: data, issues };
  }
  const stack: { node: unknown; schema: SchemaNode; path: string }[] = [
    { node: data, schema: schema as SchemaNode, path: '' },
  ];
  while (stack.length > 0 && issues.length < MAX_ISSUES) {
    const { node, schema: nodeSchema, path } = stack.pop()!;
    if (Array.isArray(node)) {
      const items = itemsOf(nodeSchema);
      for (let i = 0; i < node.length; i++) visit(node, i, items, `${path}/${i}`);
    } else if (isPlainObject(node)) {
      for (const key of Object.keys(node)) {
        const keyKind = unsafeTextKind(key);
        if (keyKind) issues.push(issue(path, keyKind, key));
        visit(node, key, propertyOf(nodeSchema, key), `${path}/${escapePointer(key)}`);
      }
    }
  }
  return { value: data, issues };

  function visit(
    parent: unknown[] | Record<string, unknown>,
    key: number | string,
    child: SchemaNode,
    path: string,
  ) {
    const value = (parent as Record<string | number, unknown>)[key];
    if (typeof value === 'string') {
      const policy = policyOf(child);
      if (policy === 'search') {
        (parent as Record<string | number, unknown>)[key] = removeUnsafeText(value);
        return;
      }
      const kind = unsafeTextKind(value, policy);
      if (kind) issues.push(issue(path, kind));
    } else if (value !== null && typeof value === 'object') {
      stack.push({ node: value, schema: child, path });
    }
  }
}

function issue(instancePath: string, kind: UnsafeTextKind, propertyName?: string): TextIssue {
  return {
    instancePath,
    keyword: 'text',
    message: propertyName === undefined ? MESSAGES[kind] : `has a property name that ${MESSAGES[kind]}`,
    params: propertyName === undefined ? { kind } : { kind, propertyName },
  };
}

/** The policy a schema node gives its strings: its own keyword, else the first union branch that has one. */
function policyOf(schema: SchemaNode): TextPolicy {
  const own = schema?.[TEXT_POLICY_KEYWORD];
  if (own === 'secret' || own === 'search' || own === 'strict') return own;
  for (const branch of branches(schema)) {
    const policy = branch[TEXT_POLICY_KEYWORD];
    if (policy === 'secret' || policy === 'search' || policy === 'strict') return policy;
  }
  return 'strict';
}

function propertyOf(schema: SchemaNode, key: string): SchemaNode {
  for (const node of [schema, ...branches(schema)]) {
    const properties = node?.properties;
    if (isPlainObject(properties) && Object.hasOwn(properties, key)) return properties[key] as SchemaNode;
  }
  for (const node of [schema, ...branches(schema)]) {
    const additional = node?.additionalProperties;
    if (isPlainObject(additional)) return additional as SchemaNode;
    const patterns = node?.patternProperties;
    if (isPlainObject(patterns)) {
      const first = Object.values(patterns)[0];
      if (isPlainObject(first)) return first as SchemaNode;
    }
  }
  return undefined;
}

function itemsOf(schema: SchemaNode): SchemaNode {
  for (const node of [schema, ...branches(schema)]) {
    if (isPlainObject(node?.items)) return node.items as SchemaNode;
  }
  return undefined;
}

function branches(schema: SchemaNode): Record<string, unknown>[] {
  if (!schema) return [];
  const found: Record<string, unknown>[] = [];
  for (const keyword of ['anyOf', 'oneOf', 'allOf']) {
    const list = schema[keyword];
    if (Array.isArray(list)) for (const branch of list) if (isPlainObject(branch)) found.push(branch);
  }
  return found;
}

/** A JSON-like object: {}, Object.create(null), or an object whose prototype has none (a parsed query string). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || Object.getPrototypeOf(proto) === null;
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}
