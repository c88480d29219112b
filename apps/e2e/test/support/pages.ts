import type { E2E } from './harness.ts';

export interface HostPageOptions {
  /** JS expression of the SDK's fetchSessionToken option, or none (the fan signs in inside the widget). */
  fetchSessionToken?: string;
  /** Extra HTML placed after the wallet slot. */
  extraHtml?: string;
  locale?: 'fr' | 'en';
}

/**
 * A partner page using the SDK: mounts the wallet widget in #wallet and records every SDK event in
 * window.pcfEvents ({ type, data }) and on screen; window.pcf is the SDK instance.
 */
export function walletHostPage(
  e2e: Pick<E2E, 'platformUrl' | 'publishableKey'>,
  options: HostPageOptions = {},
) {
  const settings = {
    apiKey: e2e.publishableKey,
    environment: { baseUrl: e2e.platformUrl },
    locale: options.locale ?? 'fr',
  };
  const events = ['ready', 'error', 'action', 'balanceUpdated', 'resize'];
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Partner page</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<main><h1>Club partenaire</h1><div id="wallet"></div>${options.extraHtml ?? ''}<ol id="log"></ol></main>
<script src="${e2e.platformUrl}/sdk/paiecashfan-sdk.js"></script>
<script>
  window.pcfEvents = [];
  const settings = ${JSON.stringify(settings)};
  ${options.fetchSessionToken ? `settings.fetchSessionToken = ${options.fetchSessionToken};` : ''}
  const pcf = new PaieCashFan(settings);
  for (const type of ${JSON.stringify(events)}) {
    pcf.wallet.on(type, (data) => {
      window.pcfEvents.push({ type, data });
      const li = document.createElement('li');
      li.textContent = type + ' ' + JSON.stringify(data);
      document.getElementById('log').append(li);
    });
  }
  pcf.wallet.mount('#wallet');
  window.pcf = pcf;
</script>
</body></html>`;
}

/** The partner backend call a real partner page makes (see host-server.ts). */
export function partnerSessionFetcher(user: { externalUserId: string; displayName: string; email: string }) {
  return `() => fetch('/partner-backend/session', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: ${JSON.stringify(JSON.stringify(user))},
  }).then((r) => r.json()).then((b) => b.token)`;
}
