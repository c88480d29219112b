import { PcfError } from './errors.ts';
import type { MethodSpec, NOT_AVAILABLE, RestContext } from './method-spec.ts';
import type { ModuleInternals } from './widget-module.ts';

/**
 * The methods of one module from its routing table. Each goes to the mounted widget when it is connected (or
 * mounted and there is no fetchSessionToken, or the method has no REST path); else to the REST API when there is a
 * fetchSessionToken, or when the call needs no fan (`guest`); else it rejects PCF_NOT_MOUNTED. After destroy() every
 * method rejects PCF_DESTROYED; a NOT_AVAILABLE method rejects PCF_NOT_AVAILABLE; invalid arguments reject
 * PCF_BAD_REQUEST.
 */
export function bindMethods(
  internals: ModuleInternals,
  spec: Record<string, MethodSpec | typeof NOT_AVAILABLE>,
  context: RestContext,
  hasTokens: boolean,
): Record<string, (...args: never[]) => Promise<unknown>> {
  const { module } = internals;
  const methods: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const [name, route] of Object.entries(spec)) {
    methods[name] = async (...args) => {
      internals.assertAlive();
      if (!route) throw new PcfError('PCF_NOT_AVAILABLE', `pcf.${module.name}: not available yet`);
      if (route.valid?.(...args) === false)
        throw new PcfError('PCF_BAD_REQUEST', `pcf.${module.name}.${name}: bad arguments`);
      const data = route.params?.(...args);
      const answer =
        !route.rest || module.connected || (module.mounted && !hasTokens) || !(hasTokens || route.guest)
          ? await internals.request(`${module.name}.${name}`, data)
          : await route.rest(data as never, context);
      return route.result ? route.result(answer as never) : answer;
    };
  }
  return methods;
}
