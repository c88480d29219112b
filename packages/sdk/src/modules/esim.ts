import { type ModuleSpec, NOT_AVAILABLE } from '../method-spec.ts';
import type { Money, PaymentOptions, WidgetModule } from '../types.ts';

// Placeholder contract until the esim service lands and publishes `@pcf/esim/contract`.

/** A data plan on sale. */
export interface EsimPlan {
  id: string;
  name: string;
  region: 'europe' | 'world';
  /** How many countries it covers. */
  countries: number;
  dataGb: number;
  validityDays: number;
  price: Money;
}

/** A plan bought and being activated: scan `qrCode` (SVG) or enter `activationCode` on the phone. */
export interface EsimActivation {
  esimId: string;
  planId: string;
  status: 'pending' | 'active';
  qrCode: string;
  activationCode: string;
}

/** The routed methods of pcf.esim: all reject PCF_NOT_AVAILABLE until the esim service lands. */
export interface EsimMethods {
  /** Data plans on sale. */
  getPlans(): Promise<EsimPlan[]>;
  /**
   * Buys and activates a plan, paid from the fan's wallet. Needs the mounted widget: the fan confirms it there with a
   * click (PCF_USER_CANCELLED, PCF_BUSY as for wallet.sendPayment).
   */
  activatePlan(planId: string, options?: PaymentOptions): Promise<EsimActivation>;
}

/** pcf.esim: data plans and their activation. */
export interface EsimModule extends WidgetModule<'esim'>, EsimMethods {}

/** Not available yet: each method rejects PCF_NOT_AVAILABLE. */
export const esim: ModuleSpec<EsimMethods> = {
  getPlans: NOT_AVAILABLE,
  activatePlan: NOT_AVAILABLE,
};
