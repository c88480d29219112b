import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { tc } from '../common-messages.ts';
import { Button } from './Button.tsx';

interface ConfirmStepProps {
  title: string;
  rows: [label: string, value: string][];
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  confirmLabel?: string;
  confirmTestId?: string;
  children?: ComponentChildren;
}

/** "Check before you commit": a summary, Confirm and Back. Focus moves to the heading when it opens. */
export function ConfirmStep(props: ConfirmStepProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section class="pcf-confirm" aria-labelledby="pcf-confirm-title">
      <h3 id="pcf-confirm-title" ref={heading} tabIndex={-1}>
        {props.title}
      </h3>
      <dl>
        {props.rows.map(([label, value]) => (
          <div key={label} class="pcf-row">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {props.children}
      <div class="pcf-actions">
        <Button variant="secondary" onClick={props.onCancel} disabled={props.busy}>
          {tc('back')}
        </Button>
        <Button busy={props.busy} onClick={props.onConfirm} testId={props.confirmTestId}>
          {props.confirmLabel ?? tc('confirm')}
        </Button>
      </div>
    </section>
  );
}
