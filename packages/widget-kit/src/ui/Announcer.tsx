import { signal } from '@preact/signals';

const message = signal<{ text: string; tone: 'info' | 'error' } | null>(null);
let timer: ReturnType<typeof setTimeout> | undefined;

/** Shows a short toast and reads it out (aria-live): balance changes, confirmations, errors. */
export function announce(text: string, tone: 'info' | 'error' = 'info'): void {
  clearTimeout(timer);
  message.value = { text, tone };
  timer = setTimeout(() => {
    message.value = null;
  }, 5000);
}

/** The live region behind announce(); rendered once per widget, always present so announcements are heard. */
export function Announcer() {
  const current = message.value;
  return (
    <div class="pcf-toast-region" role="status" aria-live="polite" aria-atomic="true">
      {current && <p class={`pcf-toast pcf-toast--${current.tone}`}>{current.text}</p>}
    </div>
  );
}
