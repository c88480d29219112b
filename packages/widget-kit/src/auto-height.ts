/**
 * Reports the content's height whenever it changes, so the host sizes the iframe to fit (no inner scrollbar).
 * It measures the content element itself, never the viewport, so a taller iframe cannot make it grow again.
 */
export function observeHeight(content: HTMLElement, report: (height: number) => void): () => void {
  let last = -1;
  const measure = () => {
    const height = Math.ceil(content.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      report(height);
    }
  };
  const observer = new ResizeObserver(measure);
  observer.observe(content);
  measure();
  return () => observer.disconnect();
}
