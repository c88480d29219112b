import { identityModule } from '@pcf/identity';
import type { ServiceModule, ServiceName } from '@pcf/kernel';
import { shopModule } from '@pcf/shop';
import { walletModule } from '@pcf/wallet';

/** Every service the platform can run, in start order (identity first: the others verify tokens with it). */
export const MODULES: ServiceModule[] = [identityModule, walletModule, shopModule];

export function moduleNamed(name: ServiceName): ServiceModule | undefined {
  return MODULES.find((m) => m.name === name);
}
