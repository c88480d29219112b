import type { WidgetMethods, WidgetName } from '@pcf/widget-kit/protocol';
import type { ModuleInternals } from './widget-module.ts';

/**
 * Runs one service method: through the mounted widget, else the REST API, else PCF_NOT_MOUNTED. Without `rest`
 * (money moves: the fan confirms them inside the widget) there is no REST path: the widget or PCF_NOT_MOUNTED.
 */
export type Route = <T>(
  method: keyof WidgetMethods,
  params: unknown,
  rest?: () => Promise<T>,
  guest?: boolean,
) => Promise<T>;

/**
 * The routing shared by the service methods of every module (wallet, shop…): the mounted widget when it is
 * connected (or mounted and there is no fetchSessionToken, or the method has no REST path); else the REST API
 * when there is a fetchSessionToken, or when the call needs no token (`guest`); else PCF_NOT_MOUNTED.
 */
export function createRoute<N extends WidgetName>(internals: ModuleInternals<N>, hasTokens: boolean): Route {
  const { module } = internals;
  return async (method, params, rest, guest) => {
    internals.assertAlive();
    // Not mounted and no REST path: request() rejects PCF_NOT_MOUNTED.
    if (!rest || module.connected || (module.mounted && !hasTokens) || !(hasTokens || guest))
      return internals.request(method, params as never) as never;
    return rest();
  };
}
