import type { WidgetName } from '@pcf/widget-kit/protocol';
import type { MethodSpec, NOT_AVAILABLE } from './method-spec.ts';
import { type AiModule, ai } from './modules/ai.ts';
import { type EsimModule, esim } from './modules/esim.ts';
import { type ShopModule, shop } from './modules/shop.ts';
import { type SocialModule, social } from './modules/social.ts';
import { type TicketsModule, tickets } from './modules/tickets.ts';
import { type WalletModule, wallet } from './modules/wallet.ts';

/** The six service modules of an instance: pcf.wallet, pcf.social… */
export interface Modules {
  wallet: WalletModule;
  social: SocialModule;
  ai: AiModule;
  esim: EsimModule;
  shop: ShopModule;
  tickets: TicketsModule;
}

/** The routing table of every module (one file each in src/modules/). */
export const MODULE_SPECS: Record<WidgetName, Record<string, MethodSpec | typeof NOT_AVAILABLE>> = {
  wallet,
  social,
  ai,
  esim,
  shop,
  tickets,
};
