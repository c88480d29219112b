import { inspectText } from '@pcf/kernel';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { malformedWebhook } from '../wallet.errors.ts';
import { AssetCode } from '../wallet.schema.ts';
import type { ProviderEvent } from './payment-provider.ts';

/** The event a provider's webhook carries, as our sandbox (and the adapters of real providers) produce it. */
export const ProviderEventSchema = Type.Object({
  eventId: Type.String({ minLength: 1, maxLength: 255 }),
  type: Type.Union([Type.Literal('payment.succeeded'), Type.Literal('payment.failed')]),
  depositId: Type.String({
    pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  }),
  providerRef: Type.String({ minLength: 1, maxLength: 255 }),
  amount: Type.String({ minLength: 1, maxLength: 80 }),
  asset: AssetCode,
  failureCode: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]),
});
const check = TypeCompiler.Compile(ProviderEventSchema);

/**
 * Reads a verified webhook body: JSON holding one ProviderEvent, with no text that PostgreSQL cannot store.
 * Throws malformedWebhook otherwise — call it only after the signature is verified.
 */
export function parseProviderEvent(rawBody: string): ProviderEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    throw malformedWebhook('it is not JSON');
  }
  const text = inspectText(parsed, ProviderEventSchema);
  const [issue] = text.issues;
  if (issue) throw malformedWebhook(`${issue.instancePath || 'body'} ${issue.message}`);
  if (!check.Check(parsed)) {
    const error = check.Errors(parsed).First();
    throw malformedWebhook(error ? `${error.path || 'body'} ${error.message}` : 'unexpected shape');
  }
  return parsed as Static<typeof ProviderEventSchema> as ProviderEvent;
}
