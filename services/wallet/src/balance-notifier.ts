import { type Broadcaster, formatMinor } from '@pcf/kernel';
import type { BalanceChange } from './ledger.service.ts';

export interface BalanceMessage {
  asset: string;
  balance: string;
  available: string;
}

const channel = (userId: string) => `wallet:balance:${userId}`;

/** Tells every process (and so every open wallet stream) that a fan's balance changed. */
export class BalanceNotifier {
  constructor(private readonly broadcaster: Broadcaster) {}

  publish(changes: BalanceChange[]): void {
    for (const change of changes) {
      const message: BalanceMessage = {
        asset: change.asset,
        balance: formatMinor(change.posted, change.asset),
        available: formatMinor(change.available, change.asset),
      };
      this.broadcaster.publish(channel(change.userId), message);
    }
  }

  subscribe(userId: string, listener: (message: BalanceMessage) => void): () => void {
    return this.broadcaster.subscribe(channel(userId), (message) => listener(message as BalanceMessage));
  }
}
