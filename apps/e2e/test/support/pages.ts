import type { E2E } from './harness.ts';

export interface HostPageOptions {
  /** JS expression of the SDK's fetchSessionToken option, or none (the fan signs in inside the widget). */
  fetchSessionToken?: string;
  /** Extra HTML placed after the wallet slot. */
  extraHtml?: string;
  locale?: 'fr' | 'en';
}

/**
 * A partner page using the SDK: mounts each widget in #<widget> and records every SDK event in window.pcfEvents
 * ({ widget, type, data }, type = the SDK's camelCase name) and on screen; window.pcf is the SDK instance.
 */
export function hostPage(
  e2e: Pick<E2E, 'platformUrl' | 'publishableKey'>,
  options: HostPageOptions & { widgets?: string[] } = {},
) {
  const settings = {
    apiKey: e2e.publishableKey,
    environment: { baseUrl: e2e.platformUrl },
    locale: options.locale ?? 'fr',
  };
  const widgets = options.widgets ?? ['wallet'];
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Partner page</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<main><h1>Club partenaire</h1>${widgets.map((w) => `<div id="${w}"></div>`).join('')}${options.extraHtml ?? ''}
<ol id="log"></ol></main>
<script src="${e2e.platformUrl}/sdk/paiecashfan-sdk.js"></script>
<script>
  window.pcfEvents = [];
  const settings = ${JSON.stringify(settings)};
  ${options.fetchSessionToken ? `settings.fetchSessionToken = ${options.fetchSessionToken};` : ''}
  const pcf = new PaieCashFan(settings);
  pcf.on('*', (e) => {
    window.pcfEvents.push({ widget: e.widget, type: e.event, data: e.data });
    const li = document.createElement('li');
    li.textContent = e.widget + '.' + e.event + ' ' + JSON.stringify(e.data);
    document.getElementById('log').append(li);
  });
  for (const name of ${JSON.stringify(widgets)}) pcf[name].mount('#' + name);
  window.pcf = pcf;
</script>
</body></html>`;
}

/** The wallet alone (most tests). */
export const walletHostPage = (
  e2e: Pick<E2E, 'platformUrl' | 'publishableKey'>,
  options: HostPageOptions = {},
) => hostPage(e2e, options);

/** The partner backend call a real partner page makes (see host-server.ts). */
export function partnerSessionFetcher(user: { externalUserId: string; displayName: string; email: string }) {
  return `() => fetch('/partner-backend/session', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: ${JSON.stringify(JSON.stringify(user))},
  }).then((r) => r.json()).then((b) => b.token)`;
}
