import type { JSX } from 'preact';
import { useId } from 'preact/hooks';

interface FieldFrameProps {
  label: string;
  hint?: string | undefined;
  error?: string | null | undefined;
  children: (ids: { id: string; describedBy: string | undefined }) => JSX.Element;
}

/** A label, the control, a hint and an error message, all tied together for assistive technologies. */
function FieldFrame({ label, hint, error, children }: FieldFrameProps) {
  const id = useId();
  const describedBy =
    [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="pcf-field">
      <label for={id}>{label}</label>
      {children({ id, describedBy })}
      {hint && (
        <p id={`${id}-hint`} class="pcf-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} class="pcf-field-error">
          {error}
        </p>
      )}
    </div>
  );
}

type TextFieldProps = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onInput'> & {
  label: string;
  value: string;
  onValue: (value: string) => void;
  hint?: string;
  error?: string | null;
  testId?: string;
};

export function TextField({ label, value, onValue, hint, error, testId, ...rest }: TextFieldProps) {
  return (
    <FieldFrame label={label} hint={hint} error={error}>
      {({ id, describedBy }) => (
        <input
          {...rest}
          id={id}
          value={value}
          onInput={(event) => onValue(event.currentTarget.value)}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          data-testid={testId}
        />
      )}
    </FieldFrame>
  );
}

interface SelectFieldProps {
  label: string;
  value: string;
  options: readonly string[];
  onValue: (value: string) => void;
  testId?: string;
}

export function SelectField({ label, value, options, onValue, testId }: SelectFieldProps) {
  return (
    <FieldFrame label={label}>
      {({ id, describedBy }) => (
        <select
          id={id}
          value={value}
          onChange={(event) => onValue(event.currentTarget.value)}
          aria-describedby={describedBy}
          data-testid={testId}
        >
          {options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}
