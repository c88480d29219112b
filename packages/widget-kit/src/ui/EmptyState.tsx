import type { ComponentChildren } from 'preact';

export function EmptyState({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="pcf-empty">
      <p class="pcf-empty-title">{title}</p>
      {children}
    </div>
  );
}
