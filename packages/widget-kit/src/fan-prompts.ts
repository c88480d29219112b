import { signal } from '@preact/signals';
import { BridgeError } from './bridge-error.ts';
import { FAN_PROMPT_TIMEOUT_MS } from './protocol.ts';

/** What the question is about: a payment, a checkout, or the host page's read access (consent). */
export type PromptKind = 'payment' | 'checkout' | 'consent';

/** One line of the summary: a label, the value shown, and optionally a test id and the machine value behind it. */
export interface PromptRow {
  label: string;
  value: string;
  testId?: string;
  /** The raw value (e.g. the decimal amount), exposed as data-value. */
  raw?: string;
}

/** A question for the fan, already translated: it is shown as is inside the widget. */
export interface FanQuestion {
  kind: PromptKind;
  title: string;
  /** Who asks and what for (names the partner and the host page's origin). */
  intro: string;
  rows: PromptRow[];
  /** An extra line under the summary (e.g. "it can never pay without you"). */
  note?: string;
  confirmLabel: string;
  cancelLabel: string;
}

/** The question on screen; `armed` turns true once the confirm button may be used. */
export interface OpenPrompt extends FanQuestion {
  id: number;
  armed: boolean;
}

/**
 * A click that lands within this long of the question appearing is ignored: a host page that controls when the
 * question appears cannot make a click meant for something else land on "confirm" (browsers delay the buttons of
 * their own security prompts the same way).
 */
export const PROMPT_ARM_MS = 500;

interface Waiting {
  id: number;
  resolve: (confirmed: boolean) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The questions a widget asks its fan on behalf of the host page (confirm a payment, allow reads), one at a time.
 * The UI (ui/ConfirmDialog.tsx) renders `current` and calls confirm() / cancel(); nothing else can answer.
 */
export class FanPrompts {
  readonly current = signal<OpenPrompt | null>(null);
  private waiting: Waiting | null = null;
  private nextId = 0;

  constructor(
    private readonly timeoutMs = FAN_PROMPT_TIMEOUT_MS,
    private readonly armMs = PROMPT_ARM_MS,
  ) {}

  /** Whether a question is on screen. */
  get busy(): boolean {
    return this.waiting !== null;
  }

  /**
   * Shows the question; resolves true when the fan confirms, false when the fan cancels or does not answer within
   * the timeout (120 s). Throws BridgeError PCF_BUSY while another question is open.
   */
  ask(question: FanQuestion): Promise<boolean> {
    if (this.waiting) throw new BridgeError('PCF_BUSY', 'Another question is waiting for the fan');
    const id = ++this.nextId;
    this.current.value = { ...question, id, armed: this.armMs <= 0 };
    if (this.armMs > 0) {
      setTimeout(() => {
        const open = this.current.peek();
        if (open?.id === id) this.current.value = { ...open, armed: true };
      }, this.armMs);
    }
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => this.finish(id, false), this.timeoutMs);
      this.waiting = { id, resolve, timer };
    });
  }

  /**
   * The fan's confirm click. Only a trusted event (a real click or key press in this frame, `isTrusted`) on an
   * armed question counts; a synthetic event or an early click is ignored. Returns whether it was accepted.
   */
  confirm(event: { isTrusted: boolean }): boolean {
    const open = this.current.peek();
    if (!event.isTrusted || !open?.armed) return false;
    this.finish(open.id, true);
    return true;
  }

  /** The fan's cancel (button, Escape), or the widget giving up (sign-out): the question resolves false. */
  cancel(): void {
    if (this.waiting) this.finish(this.waiting.id, false);
  }

  private finish(id: number, confirmed: boolean): void {
    const waiting = this.waiting;
    if (waiting?.id !== id) return;
    clearTimeout(waiting.timer);
    this.waiting = null;
    this.current.value = null;
    waiting.resolve(confirmed);
  }
}
