import { tc } from '../common-messages.ts';
import { useWidget } from '../widget-context.ts';

/** The card a widget shows until its service lands. */
export function ComingSoon() {
  const { widget } = useWidget();
  return (
    <section class="pcf-card pcf-coming-soon" data-testid="coming-soon" aria-labelledby="pcf-soon-title">
      <span class="pcf-badge">{tc('comingSoon')}</span>
      <h1 id="pcf-soon-title">{tc(`widget.${widget}`)}</h1>
      <p>{tc(`pitch.${widget}`)}</p>
      <p class="pcf-muted">{tc('comingSoonText')}</p>
    </section>
  );
}
