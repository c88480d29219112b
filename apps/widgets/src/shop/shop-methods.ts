import { BridgeError, confirmWithFan, locale, type WidgetContext } from '@pcf/widget-kit';
import { checkoutQuestion } from './checkout-question.ts';
import { shopApi } from './shop-api.ts';
import { discountCode } from './shop-logic.ts';
import type { ShopStore } from './shop-store.ts';

const asRecord = <T>(value: T) => value as unknown as Record<string, unknown>;

function requireFan(context: WidgetContext): void {
  if (!context.session.signedIn) throw new BridgeError('PCF_UNAUTHENTICATED', 'No fan is signed in');
}

const optionalText = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 200) : undefined;

/**
 * The shop's bridge methods (shop.getProducts, shop.addToCart, shop.getCart, shop.checkout) and host messages
 * (UPDATE_CART re-reads the cart from the API, APPLY_DISCOUNT applies a code through the API). The catalogue is
 * public; the cart (also the answer of addToCart) is the fan's data, read by the host only with its access
 * (HostConsent); a checkout is paid only after the fan confirms it inside the widget (confirmWithFan).
 */
export function registerShopMethods(context: WidgetContext, store: ShopStore): void {
  const { bridge, api, consent } = context;

  bridge.handle('shop.getProducts', async (params) => {
    const query = (params ?? {}) as Record<string, unknown>;
    const limit = Math.min(100, Math.max(1, Math.trunc(Number(query.limit ?? 20)) || 20));
    const page = await shopApi.products(api, {
      club: store.club.peek(),
      q: optionalText(query.q),
      category: optionalText(query.category),
      limit,
      locale: locale.peek(),
    });
    return page.data.map(asRecord);
  });

  bridge.handle('shop.addToCart', async (params, call) => {
    requireFan(context);
    await consent.requireForHost(call);
    const request = (params ?? {}) as Record<string, unknown>;
    const productId = optionalText(request.productId);
    const quantity = Number(request.quantity ?? 1);
    if (!productId || !Number.isInteger(quantity) || quantity < 1 || quantity > 99)
      throw new BridgeError('PCF_BAD_REQUEST', 'productId and a quantity from 1 to 99 are required');
    return asRecord(await store.addToCart(productId, quantity, optionalText(request.variantId)));
  });

  bridge.handle('shop.getCart', async (_params, call) => {
    requireFan(context);
    await consent.requireForHost(call);
    return asRecord(await store.loadCart());
  });

  bridge.handle('shop.checkout', async (params, call) => {
    requireFan(context);
    // The SDK's key makes a request re-sent after an iframe reload replay instead of paying twice.
    const key = optionalText((params as Record<string, unknown> | undefined)?.idempotencyKey);
    let shown: string | undefined;
    await confirmWithFan(context, call, async (requester) => {
      // What the fan confirms is the cart as the API prices it now, read fresh.
      const cart = await store.loadCart();
      if (cart.items.length === 0) throw new BridgeError('PCF_BAD_REQUEST', 'The cart is empty');
      shown = cart.total.amount;
      return checkoutQuestion(cart, requester, locale.peek());
    });
    // The API charges exactly the total the fan confirmed, or refuses (409 price_changed / promotion_ended).
    return asRecord(await store.checkout(key ?? crypto.randomUUID(), shown));
  });

  const refresh = () => {
    if (context.session.signedIn) void store.loadCart().catch(() => undefined);
  };
  bridge.on('UPDATE_CART', refresh);
  bridge.on('UPDATE_DATA', () => {
    refresh();
    void store.loadCatalogue().catch(() => undefined);
  });
  bridge.on('APPLY_DISCOUNT', (data) => {
    const code = discountCode((data as { code?: unknown } | null)?.code);
    if (code) void store.applyCode(code);
  });
  bridge.on('EXECUTE_ACTION', (data) => {
    const action = typeof data === 'object' && data !== null ? data.action : undefined;
    if (action === 'refresh') {
      refresh();
      void store.loadCatalogue().catch(() => undefined);
    }
    if (action === 'openCart' && store.requireFan()) store.view.value = { name: 'cart' };
  });
}
