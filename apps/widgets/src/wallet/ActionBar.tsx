import { t } from './wallet-messages.ts';
import type { Panel, WalletStore } from './wallet-store.ts';

const ACTIONS = ['deposit', 'send', 'receive'] as const;

/** Deposit / Send / Receive toggles; each opens its panel below the balance. */
export function ActionBar({ store }: { store: WalletStore }) {
  const open = store.panel.value;
  const toggle = (panel: Panel) => {
    store.panel.value = open === panel ? null : panel;
  };
  return (
    <fieldset class="pcf-action-bar">
      <legend class="pcf-sr">{t('actions')}</legend>
      {ACTIONS.map((action) => (
        <button
          key={action}
          type="button"
          class={`pcf-btn ${open === action ? 'pcf-btn--primary' : 'pcf-btn--secondary'}`}
          aria-expanded={open === action}
          aria-controls={`pcf-panel-${action}`}
          data-testid={`action-${action}`}
          onClick={() => toggle(action)}
        >
          {t(action)}
        </button>
      ))}
    </fieldset>
  );
}
