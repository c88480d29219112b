import type { WidgetName } from '@pcf/widget-kit/protocol';
import { PcfError } from './errors.ts';

/** The SDK method of each service that has not landed yet (typed in types.ts). */
export const PENDING_SERVICES: Record<Exclude<WidgetName, 'wallet' | 'shop'>, string> = {
  social: 'getConversations',
  ai: 'getRecommendations',
  esim: 'getPlans',
  tickets: 'getEvents',
};

/** The method of a service that has not landed yet: rejects PCF_NOT_AVAILABLE (PCF_DESTROYED once destroyed). */
export function unavailable(
  assertAlive: () => void,
  service: string,
  method: string,
): Record<string, () => Promise<never>> {
  return {
    [method]: async () => {
      assertAlive();
      throw new PcfError('PCF_NOT_AVAILABLE', `pcf.${service}: not available yet`);
    },
  };
}
