import type { ApiClient } from './api-client.ts';
import { PcfError } from './errors.ts';
import { randomId } from './random-id.ts';
import type { Route } from './service-route.ts';
import type { ShopModule, WalletModule, WidgetModule } from './types.ts';

type WalletMethods = Pick<WalletModule, 'getBalance' | 'sendPayment' | 'getTransactions' | 'refresh'>;
type ShopMethods = Pick<ShopModule, 'getProducts' | 'addToCart' | 'getCart' | 'checkout'>;
type List = { data: Record<string, unknown>[] };

const AMOUNT = /^\d{1,30}(\.\d{1,18})?$/;

/** Throws PCF_BAD_REQUEST naming the method when its arguments are not valid. */
function check(valid: boolean, method: string): void {
  if (!valid) throw new PcfError('PCF_BAD_REQUEST', `${method}: bad arguments`);
}

/** `a=1&b=2` without the undefined values. */
const query = (params: object) => new URLSearchParams(JSON.parse(JSON.stringify(params)));

/**
 * The service methods of the wallet and the shop. Each is one `route` call: the widget method (mounted widget
 * first) and its REST fallback (with the session token; the catalogue needs none). Money moves (sendPayment,
 * checkout) have no REST fallback: the fan confirms them inside the widget. REST calls about the shop use the
 * publishable key's partner as the club (read once).
 */
export function serviceMethods(
  wallet: WidgetModule<'wallet'>,
  route: Route,
  shop: Route,
  api: ApiClient,
  apiKey: string,
): { wallet: WalletMethods; shop: ShopMethods } {
  let slug: Promise<string> | undefined;
  const club = () =>
    (slug ??= api<{ partnerSlug: string }>('GET', `/v1/partners/publishable-keys/${apiKey}`).then(
      (key) => key.partnerSlug,
    ));
  const list = (path: string) => api<List>('GET', path).then((answer) => answer.data);

  return {
    wallet: {
      getBalance: () =>
        route('wallet.getBalance', undefined, () =>
          api<{ balance: string }>('GET', '/v1/wallet/balance'),
        ).then((answer) => Number(answer.balance)),

      async sendPayment(to, amount, options = {}) {
        const value = String(amount);
        check(typeof to === 'string' && !!to && AMOUNT.test(value) && Number(value) > 0, 'sendPayment');
        const { asset, note, idempotencyKey = randomId() } = options;
        // Widget only: the fan confirms the payment inside the iframe (which takes EUR when asset is undefined).
        return route('wallet.sendPayment', { to, amount: value, asset, note, idempotencyKey });
      },

      async getTransactions(limit = 20) {
        check(Number.isInteger(limit) && limit > 0 && limit < 101, 'getTransactions');
        return route('wallet.getTransactions', { limit }, () =>
          list(`/v1/wallet/transactions?limit=${limit}`),
        );
      },

      refresh: () => wallet.send('UPDATE_WALLET_BALANCE', {}),
    },

    shop: {
      getProducts: (filter = {}) =>
        shop(
          'shop.getProducts',
          filter,
          async () => list(`/v1/shop/products?${query({ ...filter, club: filter.club ?? (await club()) })}`),
          true,
        ),

      async addToCart(productId, quantity = 1, variantId) {
        check(
          typeof productId === 'string' && !!productId && Number.isInteger(quantity) && quantity > 0,
          'addToCart',
        );
        return shop('shop.addToCart', { productId, quantity, variantId }, async () => {
          // Without a variant: the first one in stock (none in stock: the API refuses the request).
          const variant =
            variantId ??
            (
              await api<{ variants: { id: string; stock: number; inStock: boolean }[] }>(
                'GET',
                `/v1/shop/products/${encodeURIComponent(productId)}`,
              )
            ).variants.find((v) => v.inStock && v.stock > 0)?.id;
          return api('POST', '/v1/shop/cart/add', { productId, variantId: variant, quantity });
        });
      },

      getCart: () =>
        shop('shop.getCart', undefined, async () => api('GET', `/v1/shop/cart?club=${await club()}`)),

      // Widget only: the fan confirms the order inside the iframe.
      checkout: ({ idempotencyKey = randomId() } = {}) => shop('shop.checkout', { idempotencyKey }),
    },
  };
}
