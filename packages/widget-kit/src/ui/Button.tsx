import type { ComponentChildren, JSX } from 'preact';

type ButtonProps = Omit<JSX.ButtonHTMLAttributes<HTMLButtonElement>, 'class'> & {
  variant?: 'primary' | 'secondary' | 'ghost';
  busy?: boolean;
  testId?: string;
  children: ComponentChildren;
};

/** A button; `busy` disables it and tells assistive technologies. Defaults to type="button". */
export function Button({
  variant = 'primary',
  busy = false,
  testId,
  type = 'button',
  children,
  ...rest
}: ButtonProps) {
  return (
    <button
      {...rest}
      type={type}
      class={`pcf-btn pcf-btn--${variant}`}
      disabled={busy || rest.disabled}
      aria-busy={busy || undefined}
      data-testid={testId}
    >
      {busy && <span class="pcf-spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}
