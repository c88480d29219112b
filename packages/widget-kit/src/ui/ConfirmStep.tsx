import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { tc } from '../common-messages.ts';
import { Button } from './Button.tsx';

/** A summary line: label, value shown, and optionally a test id and the raw value (data-value) behind it. */
export type ConfirmRow = [label: string, value: string, details?: { testId?: string; raw?: string }];

interface ConfirmStepProps {
  title: string;
  rows: ConfirmRow[];
  busy: boolean;
  /** Receives the click event (ConfirmDialog checks that it is trusted). */
  onConfirm: (event: JSX.TargetedMouseEvent<HTMLButtonElement>) => void;
  onCancel: () => void;
  confirmLabel?: string;
  confirmTestId?: string;
  /** The confirm button stays disabled while true (e.g. not armed yet). */
  confirmDisabled?: boolean;
  cancelLabel?: string;
  cancelTestId?: string;
  /** Prefix of the element ids (title: `${id}-title`), for two steps on one page. */
  id?: string;
  /** Shown between the title and the summary. */
  lead?: ComponentChildren;
  children?: ComponentChildren;
}

/** "Check before you commit": a summary, Confirm and Back. Focus moves to the heading when it opens. */
export function ConfirmStep(props: ConfirmStepProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const titleId = `${props.id ?? 'pcf-confirm'}-title`;
  return (
    <section class="pcf-confirm" aria-labelledby={titleId}>
      <h3 id={titleId} ref={heading} tabIndex={-1}>
        {props.title}
      </h3>
      {props.lead}
      {props.rows.length > 0 && (
        <dl>
          {props.rows.map(([label, value, details]) => (
            <div key={label} class="pcf-row">
              <dt>{label}</dt>
              <dd data-testid={details?.testId} data-value={details?.raw}>
                {value}
              </dd>
            </div>
          ))}
        </dl>
      )}
      {props.children}
      <div class="pcf-actions">
        <Button
          variant="secondary"
          onClick={props.onCancel}
          disabled={props.busy}
          testId={props.cancelTestId}
        >
          {props.cancelLabel ?? tc('back')}
        </Button>
        <Button
          busy={props.busy}
          disabled={props.confirmDisabled}
          onClick={props.onConfirm}
          testId={props.confirmTestId}
        >
          {props.confirmLabel ?? tc('confirm')}
        </Button>
      </div>
    </section>
  );
}
