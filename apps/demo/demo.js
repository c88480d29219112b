// The partner demo page: the three ways to integrate PaieCashFan, with a live event log.
(() => {
  const params = new URLSearchParams(location.search);
  const apiKey = params.get('pk') || 'pk_test_monacoDemo2026';
  const origin = location.origin;
  const WIDGETS = ['shop', 'wallet', 'tickets', 'esim', 'social', 'ai'];
  const TEXT = {
    en: {
      eyebrow: 'Demo partner site',
      title: 'AS Monaco — Fan zone',
      language: 'Language',
      theme: 'Theme',
      auto: 'Automatic',
      dark: 'Dark',
      light: 'Light',
      intro:
        "This page plays a club's website. It embeds the PaieCashFan widgets in the three possible ways. Sign in inside the widget with the demo fan (fan@demo.paiecashfan.dev / AllezLesFans-2026).",
      sdkTitle: 'Option 1 — JavaScript SDK',
      logTitle: 'Event log',
      refresh: 'Refresh',
      applyDiscount: 'Discount code ALLEZ10',
      clear: 'Clear',
      othersTitle: 'The other widgets, through the same SDK',
      iframeTitle: 'Option 2 — plain iframe',
      restTitle: 'Option 3 — REST API',
      email: 'Email',
      password: 'Password',
      run: 'Run',
      docs: 'API reference',
    },
  };
  const defaults = {};
  for (const el of document.querySelectorAll('[data-i18n]')) defaults[el.dataset.i18n] = el.textContent;

  for (const el of document.querySelectorAll('.origin')) el.textContent = origin;
  for (const el of document.querySelectorAll('.pk')) el.textContent = apiKey;
  const state = { locale: 'fr', theme: 'auto' };
  // The page's own theme: `auto` is resolved here, following the system's colour scheme as it changes (demo.css
  // writes each palette once, for dark and light). The widgets resolve `auto` themselves.
  const prefersDark = window.matchMedia('(prefers-color-scheme: dark)');
  const applyTheme = () => {
    const dark = state.theme === 'auto' ? prefersDark.matches : state.theme === 'dark';
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  };
  prefersDark.addEventListener('change', applyTheme);
  applyTheme();
  // A plain iframe takes its language and theme from its URL (it has no SDK to tell it).
  const iframe = document.getElementById('plain-iframe');
  const showPlainIframe = () => {
    const query = new URLSearchParams({ pk: apiKey, locale: state.locale, theme: state.theme });
    iframe.src = `${origin}/widgets/wallet-widget.html?${query}`;
  };
  showPlainIframe();

  const log = document.getElementById('event-log');
  const timeFormat = () =>
    new Intl.DateTimeFormat(state.locale === 'en' ? 'en-GB' : 'fr-FR', { timeStyle: 'medium' });
  const record = (widget, type, data) => {
    const item = document.createElement('li');
    const time = timeFormat().format(new Date());
    const label = document.createElement('span');
    label.className = 'type';
    label.textContent = `${widget}.${type}`;
    item.dataset.widget = widget;
    item.dataset.type = type;
    item.append(`${time} `, label, ` ${JSON.stringify(data ?? null)}`);
    log.prepend(item);
  };

  if (typeof window.PaieCashFan !== 'function') {
    record('demo', 'error', { message: 'The SDK did not load (is the front-end built? npm run build)' });
    return;
  }
  const pcf = new window.PaieCashFan({
    apiKey,
    environment: { baseUrl: origin },
    locale: state.locale,
    appearance: { theme: state.theme },
  });
  // Height changes are frequent and say little: the log shows everything else.
  pcf.on('*', (event) => event.event !== 'resize' && record(event.widget, event.event, event.data));
  for (const name of WIDGETS) pcf[name].mount(`#${name}`);

  document.getElementById('get-balance').addEventListener('click', async () => {
    try {
      record('wallet', 'getBalance()', await pcf.wallet.getBalance());
    } catch (error) {
      record('wallet', 'getBalance() rejected', { code: error.code, message: error.message });
    }
  });
  document.getElementById('refresh').addEventListener('click', () => pcf.wallet.refresh());
  // Host → shop widget: the widget applies the code through the API (it never trusts a price from the host).
  document.getElementById('apply-discount').addEventListener('click', () => {
    pcf.shop.send('APPLY_DISCOUNT', { code: 'ALLEZ10' });
    record('host', 'APPLY_DISCOUNT', { code: 'ALLEZ10' });
  });
  document.getElementById('get-cart').addEventListener('click', async () => {
    try {
      const cart = await pcf.shop.getCart();
      record('shop', 'getCart()', { count: cart.count, total: cart.total, discountCode: cart.discountCode });
    } catch (error) {
      record('shop', 'getCart() rejected', { code: error.code, message: error.message });
    }
  });
  document.getElementById('clear-log').addEventListener('click', () => log.replaceChildren());

  const applyLocale = () => {
    document.documentElement.lang = state.locale;
    for (const el of document.querySelectorAll('[data-i18n]')) {
      const key = el.dataset.i18n;
      el.textContent = (state.locale === 'en' && TEXT.en[key]) || defaults[key];
    }
  };
  const updateWidgets = () => {
    for (const name of WIDGETS)
      pcf[name].update({ locale: state.locale, appearance: { theme: state.theme } });
  };
  document.getElementById('locale').addEventListener('change', (event) => {
    state.locale = event.target.value;
    applyLocale();
    updateWidgets();
    showPlainIframe();
  });
  document.getElementById('theme').addEventListener('change', (event) => {
    state.theme = event.target.value;
    applyTheme();
    updateWidgets();
    showPlainIframe();
  });

  const output = document.getElementById('rest-output');
  document.getElementById('rest-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    output.textContent = '…';
    try {
      const login = await fetch(`${origin}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
      });
      const session = await login.json();
      if (!login.ok) {
        output.textContent = `POST /v1/auth/login → ${login.status}\n${JSON.stringify(session, null, 2)}`;
        return;
      }
      const balance = await fetch(`${origin}/v1/wallet/balance`, {
        headers: { authorization: `Bearer ${session.accessToken}` },
      });
      output.textContent = `GET /v1/wallet/balance → ${balance.status}\n${JSON.stringify(await balance.json(), null, 2)}`;
    } catch (error) {
      output.textContent = String(error);
    }
  });
})();
