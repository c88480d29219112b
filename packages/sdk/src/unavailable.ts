import type { WidgetName } from '@pcf/widget-kit/protocol';
import { PcfError } from './errors.ts';

/** The SDK methods of services that have not landed yet (typed in types.ts). */
export const PENDING_SERVICES: Record<Exclude<WidgetName, 'wallet'>, string[]> = {
  social: ['getConversations'],
  ai: ['getRecommendations'],
  esim: ['getPlans'],
  shop: ['getProducts', 'addToCart', 'getCart', 'checkout'],
  tickets: ['getEvents'],
};

/** Methods of a service that has not landed yet: each rejects PCF_NOT_AVAILABLE (PCF_DESTROYED once destroyed). */
export function unavailable(
  assertAlive: () => void,
  service: string,
  methods: string[],
): Record<string, () => Promise<never>> {
  const reject = async (): Promise<never> => {
    assertAlive();
    throw new PcfError('PCF_NOT_AVAILABLE', `The ${service} service is not available yet`);
  };
  return Object.fromEntries(methods.map((method) => [method, reject]));
}
