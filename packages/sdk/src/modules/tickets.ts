import { type ModuleSpec, NOT_AVAILABLE } from '../method-spec.ts';
import type { Money, PaymentOptions, WidgetModule } from '../types.ts';

// Placeholder contract until the tickets service lands and publishes `@pcf/tickets/contract`.

/** A match or event with tickets on sale. */
export interface TicketEvent {
  id: string;
  /** The club's partner slug. */
  club: string;
  title: string;
  venue: string;
  /** ISO 8601. */
  startsAt: string;
  price: Money;
  /** Tickets left. */
  available: number;
}

/** Tickets bought (each has its signed QR access code in the widget). */
export interface TicketPurchase {
  orderId: string;
  eventId: string;
  ticketIds: string[];
  total: Money;
}

/** The routed methods of pcf.tickets: all reject PCF_NOT_AVAILABLE until the tickets service lands. */
export interface TicketsMethods {
  /** Upcoming events of a club (default: the publishable key's partner). */
  getEvents(query?: { club?: string }): Promise<TicketEvent[]>;
  /**
   * Buys `quantity` (default 1) tickets, paid from the fan's wallet. Needs the mounted widget: the fan confirms it
   * there with a click (PCF_USER_CANCELLED, PCF_BUSY as for wallet.sendPayment).
   */
  purchaseTicket(eventId: string, quantity?: number, options?: PaymentOptions): Promise<TicketPurchase>;
}

/** pcf.tickets: events, purchase and access codes. */
export interface TicketsModule extends WidgetModule<'tickets'>, TicketsMethods {}

/** Not available yet: each method rejects PCF_NOT_AVAILABLE. */
export const tickets: ModuleSpec<TicketsMethods> = {
  getEvents: NOT_AVAILABLE,
  purchaseTicket: NOT_AVAILABLE,
};
