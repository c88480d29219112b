import { ApiError, announce, formatMoney, locale, type WidgetContext } from '@pcf/widget-kit';
import { computed, effect, signal } from '@preact/signals';
import { type Cart, type Category, type LiveSession, type Order, type Product, shopApi } from './shop-api.ts';
import { appendPage, clubOption, firstInStock, liveKey, liveNow, rereadsCart } from './shop-logic.ts';
import { t } from './shop-messages.ts';

export type View =
  | { name: 'catalogue' }
  | { name: 'product'; id: string }
  | { name: 'cart' }
  | { name: 'order'; order: Order }
  | { name: 'signin'; back: View };

const PAGE = 12;
const LIVE_POLL_MS = 30_000;

/** A notice under the discount field: the result of applying a code (typed in the widget or sent by the host). */
export interface Notice {
  ok: boolean;
  code: string;
  message: string;
}

/**
 * The shop widget's state: the club's catalogue (public), the fan's cart (read from the API only, never from the
 * host), live sessions and the current view. Every change the fan makes goes through the API first.
 */
export class ShopStore {
  /** The club: the mount option `club`, else the publishable key's partner. */
  readonly club = computed(() => clubOption(this.context.options.value.club) ?? this.context.key.partnerSlug);
  readonly categories = signal<Category[]>([]);
  readonly query = signal('');
  readonly category = signal('');
  readonly products = signal<Product[] | null>(null);
  readonly nextCursor = signal<string | null>(null);
  readonly catalogueError = signal<ApiError | null>(null);
  readonly loadingMore = signal(false);
  readonly cart = signal<Cart | null>(null);
  readonly cartError = signal<ApiError | null>(null);
  readonly lives = signal<LiveSession[]>([]);
  readonly joined = signal<Record<string, number>>({});
  readonly view = signal<View>({ name: 'catalogue' });
  readonly notice = signal<Notice | null>(null);
  /** The clock of every countdown, ticking once a second. */
  readonly now = signal(Date.now());
  /**
   * Bumped when the server's prices may have changed (a live session started or ended, a flash sale ended): views
   * holding a product re-read it. The widget shows the server's prices as they are and computes none.
   */
  readonly prices = signal(0);
  private pendingCode: string | null = null;
  /** This page's anonymous viewer id: a fan not signed in is counted once per live session. */
  private readonly viewerId = crypto.randomUUID();
  private readonly ended = new Set<string>();
  /** The club and live sessions of the last read of them (prices are re-read when the sessions live change). */
  private liveSeen: { club: string; live: string } | null = null;
  private catalogueRead = 0;
  private cartRead = 0;

  constructor(private readonly context: WidgetContext) {
    const signedIn = computed(() => context.session.token.value !== null);
    effect(() => {
      const query = { club: this.club.value, q: this.query.value, category: this.category.value };
      void locale.value;
      void this.loadCatalogue(query);
    });
    effect(() => {
      const club = this.club.value;
      const current = locale.value;
      shopApi
        .categories(context.api, club, current)
        .then((answer) => {
          this.categories.value = answer.data;
        })
        .catch(() => undefined);
      void this.loadLive();
    });
    effect(() => {
      void this.club.value;
      if (!signedIn.value) {
        this.cartRead += 1;
        this.cart.value = null;
        this.cartError.value = null;
        return;
      }
      const view = this.view.peek();
      if (view.name === 'signin') this.view.value = view.back;
      void this.loadCart().catch(() => undefined);
      const code = this.pendingCode;
      this.pendingCode = null;
      if (code) void this.applyCode(code);
    });
    setInterval(() => {
      this.now.value = Date.now();
    }, 1000);
    setInterval(() => void this.loadLive(), LIVE_POLL_MS);
  }

  get signedIn(): boolean {
    return this.context.session.signedIn;
  }

  /** The catalogue's first page for the current club, search and category (the newest request wins). */
  async loadCatalogue(
    query = { club: this.club.peek(), q: this.query.peek(), category: this.category.peek() },
  ): Promise<Product[]> {
    const read = ++this.catalogueRead;
    this.catalogueError.value = null;
    try {
      const page = await shopApi.products(this.context.api, {
        ...query,
        q: query.q.trim(),
        limit: PAGE,
        locale: locale.peek(),
      });
      if (read === this.catalogueRead) {
        this.products.value = page.data;
        this.nextCursor.value = page.nextCursor;
      }
      return page.data;
    } catch (error) {
      if (read === this.catalogueRead && error instanceof ApiError) {
        this.products.value = null;
        this.catalogueError.value = error;
      }
      throw error;
    }
  }

  async loadMore(): Promise<void> {
    const cursor = this.nextCursor.peek();
    const items = this.products.peek();
    if (cursor === null || items === null || this.loadingMore.peek()) return;
    const read = this.catalogueRead;
    this.loadingMore.value = true;
    try {
      const page = await shopApi.products(this.context.api, {
        club: this.club.peek(),
        q: this.query.peek().trim(),
        category: this.category.peek(),
        limit: PAGE,
        cursor,
        locale: locale.peek(),
      });
      if (read !== this.catalogueRead) return;
      this.products.value = appendPage(items, page.data);
      this.nextCursor.value = page.nextCursor;
    } catch (error) {
      if (error instanceof ApiError) announce(t('catalogueFailed'), 'error');
    } finally {
      this.loadingMore.value = false;
    }
  }

  async loadLive(): Promise<void> {
    try {
      const club = this.club.peek();
      const sessions = (await shopApi.live(this.context.api, club)).data;
      const seen = { club, live: liveKey(sessions) };
      const before = this.liveSeen;
      this.liveSeen = seen;
      this.lives.value = sessions;
      // A session of this club that started or ended changes the prices the server shows: read them again.
      if (before?.club === club && before.live !== seen.live) this.pricesChanged();
    } catch {
      // the banner is optional: keep the last known sessions
    }
  }

  /** Re-reads the cart from the API (the newest read wins). */
  async loadCart(): Promise<Cart> {
    const read = ++this.cartRead;
    try {
      const cart = await shopApi.cart(this.context.api, this.club.peek());
      if (read === this.cartRead) this.setCart(cart);
      return cart;
    } catch (error) {
      if (read === this.cartRead && error instanceof ApiError && error.status !== 401)
        this.cartError.value = error;
      throw error;
    }
  }

  /** Shows the sign-in form (then comes back here) when no fan is signed in; true when one is. */
  requireFan(): boolean {
    if (this.signedIn) return true;
    const view = this.view.peek();
    this.view.value = { name: 'signin', back: view.name === 'signin' ? view.back : view };
    return false;
  }

  /**
   * Adds to the cart, then tells the host. Without a variant the server picks a product's only one; for a product
   * with several (422 variant_required) a host's call gets the first in-stock variant, as the SDK documents.
   */
  async addToCart(productId: string, quantity: number, variantId?: string): Promise<Cart> {
    let chosen = variantId ?? null;
    let name = this.products.peek()?.find((product) => product.id === productId)?.name;
    let cart: Cart;
    try {
      cart = await shopApi.add(this.context.api, productId, chosen, quantity);
    } catch (error) {
      if (chosen !== null || !(error instanceof ApiError) || error.code !== 'variant_required') throw error;
      const product = await shopApi.product(this.context.api, productId, locale.peek());
      name = product.name;
      chosen = firstInStock(product)?.id ?? null;
      if (chosen === null) throw outOfStock(product.name);
      cart = await shopApi.add(this.context.api, productId, chosen, quantity);
    }
    this.setCart(cart);
    this.context.bridge.emit('PRODUCT_ADDED_TO_CART', { productId, cartCount: cart.count });
    const line =
      cart.items.find((item) => item.variantId === chosen) ??
      cart.items.find((item) => item.productId === productId);
    announce(t('added', { name: line?.name ?? name ?? '', count: cart.count }));
    return cart;
  }

  async setQuantity(itemId: string, quantity: number): Promise<void> {
    this.announceCart(await shopApi.setQuantity(this.context.api, itemId, quantity));
  }

  async remove(itemId: string, name: string): Promise<void> {
    this.setCart(await shopApi.remove(this.context.api, itemId));
    announce(t('removed', { name }));
  }

  /** Applies a discount code through the API and shows the outcome (signed out: after the fan signs in). */
  async applyCode(code: string): Promise<void> {
    if (!this.signedIn) {
      this.pendingCode = code;
      this.view.value = { name: 'cart' };
      this.requireFan();
      return;
    }
    this.view.value = { name: 'cart' };
    try {
      const cart = await shopApi.applyCode(this.context.api, this.club.peek(), code);
      this.setCart(cart);
      // Accepted but not kept on the cart (e.g. nothing it applies to): say so rather than "applied".
      this.notice.value =
        cart.discountCode?.toUpperCase() === code.toUpperCase()
          ? { ok: true, code: 'applied', message: t('codeApplied', { code }) }
          : { ok: false, code: 'not_applied', message: t('codeNotApplied', { code }) };
    } catch (error) {
      const problem = error instanceof ApiError ? error : null;
      const known = problem?.code === 'invalid_discount_code' || problem?.code === 'network_error';
      this.notice.value = {
        ok: false,
        code: problem?.code ?? 'unknown',
        message: known ? t(problem.code as 'invalid_discount_code') : (problem?.message ?? String(error)),
      };
    }
    announce(this.notice.peek()?.message ?? '', this.notice.peek()?.ok ? 'info' : 'error');
  }

  async removeCode(): Promise<void> {
    this.notice.value = null;
    this.announceCart(await shopApi.removeCode(this.context.api, this.club.peek()));
  }

  /**
   * Pays the cart from the wallet with this attempt's Idempotency-Key: CHECKOUT_INITIATED goes to the host, then
   * the order (paid) replaces the cart. `expectedTotal` is the total the fan was shown — by default the cart's as
   * displayed — and the API charges exactly that or refuses (409 promotion_ended / price_changed, see
   * priceChangeOf). A refusal that means the cart changed re-reads it before rethrowing.
   */
  async checkout(idempotencyKey: string, expectedTotal = this.cart.peek()?.total.amount): Promise<Order> {
    const cart = this.cart.peek();
    if (cart) this.context.bridge.emit('CHECKOUT_INITIATED', { total: cart.total, items: cart.count });
    try {
      const order = await shopApi.checkout(this.context.api, this.club.peek(), idempotencyKey, expectedTotal);
      this.view.value = { name: 'order', order };
      void this.loadCart().catch(() => undefined);
      return order;
    } catch (error) {
      if (error instanceof ApiError && rereadsCart(error.code)) await this.loadCart().catch(() => undefined);
      throw error;
    }
  }

  async joinLive(liveId: string): Promise<void> {
    const answer = await shopApi.join(this.context.api, liveId, this.viewerId);
    this.joined.value = { ...this.joined.peek(), [liveId]: answer.viewers };
    this.context.bridge.emit('LIVE_SHOPPING_JOINED', { liveId });
  }

  /** Sessions live now (the server's flag; sessions are re-read every 30 s). */
  readonly live = computed(() => liveNow(this.lives.value));

  /** A flash promotion just ended on screen: prices changed, so re-read the catalogue and the cart (once). */
  promotionEnded(promotionId: string): void {
    if (this.ended.has(promotionId)) return;
    this.ended.add(promotionId);
    this.pricesChanged();
  }

  /** Re-reads what shows prices (catalogue, open product, cart) from the server. */
  private pricesChanged(): void {
    this.prices.value += 1;
    void this.loadCatalogue().catch(() => undefined);
    if (this.signedIn) void this.loadCart().catch(() => undefined);
  }

  private setCart(cart: Cart): void {
    this.cartRead += 1;
    this.cart.value = cart;
    this.cartError.value = null;
  }

  private announceCart(cart: Cart): void {
    this.setCart(cart);
    announce(
      t('cartUpdated', {
        count: cart.count,
        total: formatMoney(cart.total.amount, cart.total.asset, locale.peek()),
      }),
    );
  }
}

function outOfStock(name: string): ApiError {
  return new ApiError({
    type: 'about:blank',
    title: 'Out of stock',
    status: 409,
    detail: `${name} is out of stock`,
    code: 'out_of_stock',
    errors: [],
  });
}
