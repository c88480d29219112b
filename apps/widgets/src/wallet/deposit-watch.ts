/** What a deposit watch reports: the deposit once it left `pending`, or that it gave up waiting. */
export interface DepositWatchEvents<D> {
  settled(deposit: D): void;
  timedOut(): void;
}

/**
 * Follows a pending deposit until it is confirmed or declined: it asks every `intervalMs` (at most `maxPolls`
 * times), and at once when `nudge()` says the money may have arrived (the wallet stream reported a new balance),
 * so "awaiting confirmation" never outlives the balance that shows the money. One check at a time; stops itself
 * once settled or timed out.
 */
export class DepositWatch<D extends { status: string }> {
  private polls = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private checking = false;
  private done = false;

  constructor(
    private readonly read: () => Promise<D | null>,
    private readonly events: DepositWatchEvents<D>,
    private readonly options: { intervalMs: number; maxPolls: number },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.polls += 1;
      if (this.polls > this.options.maxPolls) {
        this.stop();
        this.events.timedOut();
        return;
      }
      void this.check();
    }, this.options.intervalMs);
  }

  /** The balance changed: look now rather than at the next tick. */
  nudge(): void {
    void this.check();
  }

  stop(): void {
    this.done = true;
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    if (this.done || this.checking) return;
    this.checking = true;
    try {
      const latest = await this.read().catch(() => null);
      if (!this.done && latest && latest.status !== 'pending') {
        this.stop();
        this.events.settled(latest);
      }
    } finally {
      this.checking = false;
    }
  }
}
