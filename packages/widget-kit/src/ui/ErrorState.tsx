import { tc } from '../common-messages.ts';
import { Button } from './Button.tsx';

interface ErrorStateProps {
  title?: string;
  message: string;
  /** Machine-readable code, exposed as data-code. */
  code: string;
  onRetry?: () => void;
  testId?: string;
  /** True when the error is all the widget shows: its title is then the page's heading. */
  isPage?: boolean;
}

/** A failure the fan can read (and retry, when retrying can help); announced by screen readers. */
export function ErrorState({
  title = tc('errorTitle'),
  message,
  code,
  onRetry,
  testId,
  isPage,
}: ErrorStateProps) {
  const Title = isPage ? 'h1' : 'p';
  return (
    <div class="pcf-error" role="alert" data-testid={testId} data-code={code}>
      <Title class="pcf-error-title">{title}</Title>
      <p>{message}</p>
      {onRetry && (
        <Button variant="secondary" onClick={onRetry}>
          {tc('retry')}
        </Button>
      )}
    </div>
  );
}
