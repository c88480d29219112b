/**
 * The page behind a fan's payment link (`/pay/@handle?amount=12.50&asset=EUR`, the wallet's "Recevoir" panel): who
 * is paid and how much, above the wallet widget, which signs the payer in and opens the send filled in — the payer
 * still reviews the recipient and confirms. Server-rendered; its only script is the widget's own page.
 */

export interface Payee {
  displayName: string;
  handle: string;
}

export interface PayRequest {
  /** Without the leading @. */
  handle: string;
  amount: string | null;
  asset: string;
  locale: 'fr' | 'en';
}

const HANDLE = /^@([A-Za-z0-9._-]{1,60})$/;
const AMOUNT = /^\d{1,12}(\.\d{1,18})?$/;
const ASSETS = new Set(['EUR', 'USD', 'USDC', 'BTC', 'ETH']);

/** The payment link's request, read from its path and query; null when the path is not `@handle`. */
export function readPayRequest(
  reference: string,
  query: Record<string, unknown>,
  acceptLanguage: string | undefined,
): PayRequest | null {
  const handle = HANDLE.exec(reference)?.[1];
  if (!handle) return null;
  const amount = typeof query.amount === 'string' && AMOUNT.test(query.amount) ? query.amount : null;
  const asset = typeof query.asset === 'string' && ASSETS.has(query.asset) ? query.asset : 'EUR';
  const wanted = typeof query.locale === 'string' ? query.locale : (acceptLanguage ?? '').slice(0, 2);
  return { handle: handle.toLowerCase(), amount, asset, locale: wanted === 'en' ? 'en' : 'fr' };
}

const TEXT = {
  fr: {
    title: 'Payer {name}',
    handle: 'Lien de paiement de @{handle}',
    amount: 'Montant demandé : {amount}',
    noAmount: 'Vous choisirez le montant.',
    how: 'Connectez-vous à votre portefeuille ci-dessous : l’envoi est prérempli, vous le vérifiez puis le confirmez.',
    unknownTitle: 'Lien de paiement inconnu',
    unknown: 'Aucun fan n’a le pseudo @{handle}. Vérifiez le lien reçu.',
    widget: 'Portefeuille PaieCashFan',
  },
  en: {
    title: 'Pay {name}',
    handle: 'Payment link of @{handle}',
    amount: 'Amount requested: {amount}',
    noAmount: 'You will choose the amount.',
    how: 'Sign in to your wallet below: the transfer is filled in, you review it and confirm it.',
    unknownTitle: 'Unknown payment link',
    unknown: 'No fan has the handle @{handle}. Check the link you received.',
    widget: 'PaieCashFan wallet',
  },
};

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const fill = (template: string, vars: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => escapeHtml(vars[name] ?? whole));

function formatAmount(amount: string, asset: string, locale: 'fr' | 'en'): string {
  const [whole = '0', fraction = ''] = amount.split('.');
  const digits = Math.max(fraction.length, asset === 'EUR' || asset === 'USD' ? 2 : 0);
  const grouped = new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB').format(BigInt(whole));
  const decimals = fraction.padEnd(digits, '0');
  const separator = locale === 'fr' ? ',' : '.';
  const number = decimals ? `${grouped}${separator}${decimals}` : grouped;
  const symbol = asset === 'EUR' ? '€' : asset === 'USD' ? '$' : asset;
  return locale === 'fr'
    ? `${number} ${symbol}`
    : asset === 'EUR' || asset === 'USD'
      ? `${symbol}${number}`
      : `${number} ${symbol}`;
}

const STYLE = `
:root { color-scheme: light dark; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { margin: 0; padding: 16px; display: flex; justify-content: center; }
main { width: 100%; max-width: 480px; display: flex; flex-direction: column; gap: 12px; }
h1 { font-size: 1.4rem; margin: 0; }
p { margin: 0; }
.muted { opacity: 0.75; }
.amount { font-size: 1.2rem; font-weight: 700; }
iframe { width: 100%; min-height: 640px; height: 75vh; border: 0; }
`;

/** The HTML of a payment link's page; `payee` null renders the unknown-link page (served with 404). */
export function payPageHtml(request: PayRequest, payee: Payee | null, widgetUrl: string): string {
  const text = TEXT[request.locale];
  const head = (title: string) => `<!doctype html>
<html lang="${request.locale}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · PaieCashFan</title><style>${STYLE}</style></head>`;
  if (!payee) {
    return `${head(text.unknownTitle)}
<body><main data-testid="pay-unknown"><h1>${escapeHtml(text.unknownTitle)}</h1>
<p>${fill(text.unknown, { handle: request.handle })}</p></main></body></html>`;
  }
  const amount = request.amount
    ? `<p class="amount" data-testid="pay-amount">${fill(text.amount, { amount: formatAmount(request.amount, request.asset, request.locale) })}</p>`
    : `<p class="muted">${escapeHtml(text.noAmount)}</p>`;
  return `${head(fill(text.title, { name: payee.displayName }))}
<body><main>
<h1 data-testid="pay-title">${fill(text.title, { name: payee.displayName })}</h1>
<p class="muted">${fill(text.handle, { handle: payee.handle })}</p>
${amount}
<p class="muted">${escapeHtml(text.how)}</p>
<iframe src="${escapeHtml(widgetUrl)}" title="${escapeHtml(text.widget)}" data-testid="pay-widget"></iframe>
</main></body></html>`;
}

/** The wallet widget's URL for a payment link: no key (the platform's own page), the send to fill in. */
export function payWidgetUrl(request: PayRequest): string {
  const params = new URLSearchParams({ locale: request.locale, theme: 'auto', pay: `@${request.handle}` });
  if (request.amount) params.set('amount', request.amount);
  params.set('asset', request.asset);
  return `/widgets/wallet-widget.html?${params}`;
}

/** The CSP of a payment link's page: no script of its own, our widget in a frame, never framed itself. */
export function payPageCsp(): string {
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "frame-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
