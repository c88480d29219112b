import { FormatRegistry, type Static, type TObject } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import type { DomainEvent } from './event.ts';

/** What a topic declaration says about itself, for readers of docs/events.md. */
export interface TopicInfo {
  /** Payload version: raised on a breaking change (which also needs a new topic name, see docs/events.md). */
  version: number;
  /** When the event is emitted, as one sentence ("a fan's posted or available balance changed"). */
  description: string;
}

/**
 * A declared event topic: its name (`<service>.<what_happened>`), the TypeBox schema of its payload and its
 * documentation. Services export theirs from `<svc>.events.ts` (`@pcf/<svc>/events`); publishing and consuming take
 * the declaration, never a string, so a payload is typed where it is built and checked where it is read.
 */
export interface Topic<Name extends string = string, Schema extends TObject = TObject> extends TopicInfo {
  readonly name: Name;
  readonly schema: Schema;
  /** The service that emits it: the name's first segment. */
  readonly source: string;
}

/** The payload type of a topic. */
export type PayloadOf<T extends Topic> = Static<T['schema']>;

/**
 * The event a consumer of T receives: its payload typed by T's schema, and `topic` narrowed to T's name, so a
 * consumer of several topics tells them apart with `event.topic === someTopic.name`.
 */
export type EventOf<T extends Topic> =
  T extends Topic<infer Name, infer Schema> ? DomainEvent<Static<Schema>> & { topic: Name } : never;

/** A payload that does not match its topic's schema; `problems` lists each mismatch as "<path> <message>". */
export class InvalidEventPayloadError extends Error {
  constructor(
    readonly topic: string,
    readonly problems: string[],
  ) {
    super(`Invalid ${topic} payload: ${problems.join('; ')}`);
    this.name = 'InvalidEventPayloadError';
  }
}

const NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const topics = new WeakSet<object>();
const checks = new WeakMap<Topic, TypeCheck<TObject>>();

/**
 * Declares a topic. The name is `<service>.<what_happened>` (lower case, digits, `_`, dot-separated; it is also a
 * SQL literal and a Redis stream name, so nothing else is allowed). Throws on a malformed name or version.
 */
export function defineTopic<const Name extends string, Schema extends TObject>(
  name: Name,
  schema: Schema,
  info: TopicInfo,
): Topic<Name, Schema> {
  if (!NAME.test(name)) throw new Error(`Topic name "${name}" must look like "<service>.<what_happened>"`);
  if (!Number.isInteger(info.version) || info.version < 1) {
    throw new Error(`Topic ${name}: version must be a positive integer`);
  }
  const topic: Topic<Name, Schema> = Object.freeze({
    name,
    schema,
    source: name.slice(0, name.indexOf('.')),
    version: info.version,
    description: info.description,
  });
  topics.add(topic);
  return topic;
}

/** Whether a value is a topic made by defineTopic (the docs generator collects them from the events modules). */
export function isTopic(value: unknown): value is Topic {
  return typeof value === 'object' && value !== null && topics.has(value);
}

/**
 * The payload's mismatches with its topic's schema, as "<path> <message>" (at most five); empty when it is valid.
 * Additional properties are accepted (an older reader ignores a field a newer writer added).
 */
export function payloadProblems(topic: Topic, payload: unknown): string[] {
  let check = checks.get(topic);
  if (!check) {
    registerFormats();
    check = TypeCompiler.Compile(topic.schema);
    checks.set(topic, check);
  }
  if (check.Check(payload)) return [];
  const problems: string[] = [];
  for (const error of check.Errors(payload)) {
    problems.push(`${error.path || '/'} ${error.message}`);
    if (problems.length === 5) break;
  }
  return problems.length > 0 ? problems : ['/ does not match the schema'];
}

/** Throws InvalidEventPayloadError when the payload does not match its topic's schema. */
export function assertPayload(topic: Topic, payload: unknown): void {
  const problems = payloadProblems(topic, payload);
  if (problems.length > 0) throw new InvalidEventPayloadError(topic.name, problems);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The string formats payload schemas may use (TypeBox checks only registered formats; HTTP uses Ajv's). */
function registerFormats(): void {
  if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (value) => UUID.test(value));
  if (!FormatRegistry.Has('date-time')) {
    FormatRegistry.Set('date-time', (value) => DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)));
  }
}
