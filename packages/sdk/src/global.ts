import { rememberScriptUrl } from './environment.ts';
import { PaieCashFan } from './sdk.ts';

declare global {
  interface Window {
    PaieCashFan?: typeof PaieCashFan;
  }
}

// Idempotent: a second copy of the script keeps the first window.PaieCashFan (and its one message listener).
if (!window.PaieCashFan) {
  rememberScriptUrl((document.currentScript as HTMLScriptElement | null)?.src);
  window.PaieCashFan = PaieCashFan;
}
