import { useEffect } from 'preact/hooks';
import type { FanPrompts, OpenPrompt } from '../fan-prompts.ts';
import { ConfirmStep } from './ConfirmStep.tsx';

function Dialog({ prompts, open }: { prompts: FanPrompts; open: OpenPrompt }) {
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        prompts.cancel();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (previous?.isConnected) previous.focus();
    };
  }, [prompts]);
  return (
    <div
      class="pcf-card pcf-dialog"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="pcf-prompt-title"
      aria-describedby="pcf-prompt-intro"
      data-testid="fan-prompt"
      data-kind={open.kind}
    >
      <ConfirmStep
        id="pcf-prompt"
        title={open.title}
        lead={<p id="pcf-prompt-intro">{open.intro}</p>}
        rows={open.rows.map((row) => [row.label, row.value, { testId: row.testId, raw: row.raw }])}
        busy={false}
        confirmDisabled={!open.armed}
        onConfirm={(event) => prompts.confirm(event)}
        onCancel={() => prompts.cancel()}
        confirmLabel={open.confirmLabel}
        confirmTestId="fan-prompt-confirm"
        cancelLabel={open.cancelLabel}
        cancelTestId="fan-prompt-cancel"
      >
        {open.note && <p class="pcf-muted">{open.note}</p>}
      </ConfirmStep>
    </div>
  );
}

/**
 * The question the widget asks its fan on behalf of the host page (FanPrompts): an alert dialog, labelled by its
 * title and described by who asks, with focus moved into it. Escape and the cancel button say no; only a trusted
 * click on the armed confirm button says yes. The widget hides everything else while it is open.
 */
export function ConfirmDialog({ prompts }: { prompts: FanPrompts }) {
  const open = prompts.current.value;
  return open ? <Dialog key={open.id} prompts={prompts} open={open} /> : null;
}
