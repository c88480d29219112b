import type { IncomingCall } from './bridge.ts';
import { BridgeError } from './bridge-error.ts';
import type { FanQuestion } from './fan-prompts.ts';
import { tokenSubject } from './token-expiry.ts';
import type { WidgetContext } from './widget-context.ts';

/** Who asks the fan: the publishable key's partner and the exact origin of the host page. */
export interface Requester {
  partner: string;
  origin: string;
}

/** The fan said no, or did not answer in time. */
const userCancelled = (what: string) =>
  new BridgeError('PCF_USER_CANCELLED', `The fan did not confirm ${what}`);

/**
 * Runs before a host request that moves money or buys something (wallet.sendPayment, shop.checkout, later tickets,
 * eSIM, top-ups): tells the host the fan is being asked (PCF_PENDING), builds the question (`describe` may read the
 * API — amounts and totals shown come from there, never from the host), shows it inside the widget and resolves
 * only when the fan confirms with a trusted click. Throws BridgeError PCF_BUSY when another question is open,
 * PCF_USER_CANCELLED when the fan cancels, presses Escape, does not answer within 120 s, or when the signed-in
 * fan changed while the question was open. After it resolves the caller makes the API call (the host's timeout
 * was extended once more for it).
 */
export async function confirmWithFan(
  context: Pick<WidgetContext, 'prompts' | 'session' | 'key'>,
  call: IncomingCall,
  describe: (requester: Requester) => FanQuestion | Promise<FanQuestion>,
): Promise<void> {
  if (context.prompts.busy) throw new BridgeError('PCF_BUSY', 'Another question is waiting for the fan');
  call.pending();
  const question = await describe({ partner: context.key.partnerName, origin: call.origin });
  await askSignedInFan(context, question);
  call.pending();
}

/**
 * Shows the question and resolves once the signed-in fan confirms it. Throws BridgeError PCF_USER_CANCELLED when
 * the fan cancels, does not answer in time, or when the signed-in fan changed while it was open; PCF_BUSY when
 * another question is open.
 */
export async function askSignedInFan(
  context: Pick<WidgetContext, 'prompts' | 'session'>,
  question: FanQuestion,
): Promise<void> {
  const fan = tokenSubject(context.session.token.peek());
  if (!(await context.prompts.ask(question))) throw userCancelled(question.kind);
  if (fan === null || tokenSubject(context.session.token.peek()) !== fan)
    throw userCancelled(`${question.kind}: the signed-in fan changed`);
}
