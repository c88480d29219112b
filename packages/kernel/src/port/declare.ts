import type { Static, TObject, TProperties, TSchema } from '@sinclair/typebox';
import type { ServiceName } from '../config.ts';

/**
 * One operation of a port: how it travels over HTTP and what goes in and out.
 *
 * - `input` is always an object schema. Fields named in `path` (`/holds/:holdId`) travel as path parameters; the
 *   others as the JSON body (POST) or the query string (GET: scalar fields only).
 * - `args` lists input fields the port method takes as positional arguments, in order (`getHold(holdId)`); without
 *   it the method takes the input object itself (`hold(request)`).
 * - `output` is what the method resolves to (use `Nullable(...)` when it may answer null).
 * - `notFound`: a null answer travels as a 404 problem with this code, and the HTTP client turns that code back
 *   into null — so a caller cannot tell the in-process call from the remote one.
 */
export interface Operation {
  method: 'GET' | 'POST';
  path: string;
  input: TObject;
  output: TSchema;
  args?: readonly string[];
  notFound?: { code: string; resource: string };
  /** One line for readers of the declaration (the port's docs live here). */
  summary?: string;
}

/** A service's port: the operations other services may call, declared once (see declarePort). */
export interface PortDeclaration<Ops extends Record<string, Operation> = Record<string, Operation>> {
  service: ServiceName;
  operations: Ops;
}

type InputOf<Op extends Operation> = Static<Op['input']>;

/** The parameters of an operation's method: positional fields when `args` is declared, else the input object. */
export type OperationArgs<Op extends Operation> = Op extends { args: infer A extends readonly string[] }
  ? { -readonly [K in keyof A]: InputOf<Op>[A[K] & keyof InputOf<Op>] }
  : [input: InputOf<Op>];

/** The method an operation declares: its arguments in, a promise of its output. */
export type OperationMethod<Op extends Operation> = (
  ...args: OperationArgs<Op>
) => Promise<Static<Op['output']>>;

/** The TypeScript interface of a declared port: one method per operation, typed from the schemas. */
export type PortOf<D extends PortDeclaration> = {
  -readonly [K in keyof D['operations']]: OperationMethod<D['operations'][K]>;
};

/**
 * Declares a port once; `localPort`, `portClient` and `portRoutes` derive the in-process binding, the HTTP client
 * and the `/internal/<service>` routes from it.
 *
 * @throws Error at declaration time when `args` or a path parameter names a field the input does not have, or when
 *   `args` leaves out one of the input's fields
 */
export function declarePort<const Ops extends Record<string, Operation>>(
  service: ServiceName,
  operations: Ops,
): PortDeclaration<Ops> {
  for (const [name, op] of Object.entries(operations)) {
    for (const field of [...(op.args ?? []), ...pathParams(op.path)]) {
      if (!(field in op.input.properties)) {
        throw new Error(`${service} port: ${name} names "${field}", which its input does not declare`);
      }
    }
    const unreachable = Object.keys(op.input.properties).filter(
      (field) => op.args && !op.args.includes(field),
    );
    if (unreachable.length > 0) {
      throw new Error(
        `${service} port: ${name} takes positional args but not its input's ${unreachable.join(', ')}`,
      );
    }
  }
  return { service, operations };
}

/** The `:name` parameters of a path, in order. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1] ?? '');
}

/** The input object an operation's method was called with (positional arguments folded back into it). */
export function inputOf(op: Operation, args: readonly unknown[]): Record<string, unknown> {
  if (!op.args) return (args[0] ?? {}) as Record<string, unknown>;
  const input: Record<string, unknown> = {};
  op.args.forEach((field, i) => {
    if (args[i] !== undefined) input[field] = args[i];
  });
  return input;
}

/** The method's arguments for an input object (the inverse of inputOf). */
export function argsOf(op: Operation, input: Record<string, unknown>): unknown[] {
  return op.args ? op.args.map((field) => input[field]) : [input];
}

/** The part of an object schema holding the named fields (or all but them), with the same options. */
export function pickFields(schema: TObject, fields: readonly string[], keep: boolean): TObject | undefined {
  const properties: TProperties = {};
  for (const [key, value] of Object.entries(schema.properties)) {
    if (fields.includes(key) === keep) properties[key] = value;
  }
  if (Object.keys(properties).length === 0) return undefined;
  const required = (schema.required ?? []).filter((key) => key in properties);
  const { properties: _p, required: _r, ...options } = schema;
  return { ...options, properties, ...(required.length > 0 ? { required } : {}) } as TObject;
}

/** The operations of a declaration, as name–operation pairs (typed loosely, for the generic bindings). */
export function operationsOf(declaration: PortDeclaration): [string, Operation][] {
  return Object.entries(declaration.operations);
}

/** A port's methods seen loosely (the bindings call them by name). */
export type LooseMethods = Record<string, (...args: unknown[]) => Promise<unknown>>;
