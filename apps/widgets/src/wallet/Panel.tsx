import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** A wallet action panel; focus moves to its heading when it opens, so keyboard users land in it. */
export function Panel({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section id={`pcf-panel-${id}`} class="pcf-card" aria-labelledby={`pcf-panel-${id}-title`}>
      <h2 id={`pcf-panel-${id}-title`} ref={heading} tabIndex={-1}>
        {title}
      </h2>
      {children}
    </section>
  );
}
