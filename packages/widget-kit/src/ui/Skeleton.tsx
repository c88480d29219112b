import { tc } from '../common-messages.ts';

/** Placeholder blocks shown while content loads; announced once as "loading". */
export function Skeleton({ lines = 3 }: { lines?: number }) {
  return (
    <div class="pcf-skeleton" role="status" aria-live="polite">
      <span class="pcf-sr">{tc('loading')}</span>
      {Array.from({ length: lines }, (_, index) => (
        <div key={index} class="pcf-skeleton-line" aria-hidden="true" />
      ))}
    </div>
  );
}
