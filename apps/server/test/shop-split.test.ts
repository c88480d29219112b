import { randomBytes, randomUUID } from 'node:crypto';
import { createPostgresDatabase, waitFor } from '@pcf/kernel/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiCall, apiClient, freePort, type ServerProcess, startServer } from './process.ts';

const databaseServer = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;
const ADMIN = { email: 'root@shop-split.test', password: 'root-password-123' };
const PASSWORD = 'split-password-1';

type Body = Record<string, unknown>;
interface Fan {
  id: string;
  token: string;
}

describe.skipIf(!databaseServer || !redisUrl)(
  'split mode: identity, wallet and shop as separate processes behind the gateway',
  () => {
    const token = randomBytes(32).toString('hex');
    const databases: { databaseUrl: string; drop(): Promise<void> }[] = [];
    const processes: Record<string, ServerProcess> = {};
    let walletEnv: Record<string, string>;
    let gatewayUrl: string;
    let club: string;

    const call: ApiCall = (path, init) => apiClient(gatewayUrl)(path, init);

    beforeAll(async () => {
      for (let i = 0; i < 3; i++) databases.push(await createPostgresDatabase(databaseServer!));
      const [identityDb, walletDb, shopDb] = databases;
      const ports = { identity: await freePort(), wallet: await freePort(), shop: await freePort() };
      const urls = Object.fromEntries(
        Object.entries(ports).map(([name, port]) => [name, `http://127.0.0.1:${port}`]),
      );
      const serviceUrls = Object.entries(urls)
        .map(([name, url]) => `${name}=${url}`)
        .join(',');
      const common = {
        REDIS_URL: redisUrl!,
        // Its own Redis namespace: other tests' processes share the server (rate-limit counters, streams).
        PCF_REDIS_PREFIX: `test:${randomBytes(4).toString('hex')}:`,
        PCF_SERVICE_TOKEN: token,
        PCF_SERVICE_URLS: serviceUrls,
        PCF_TRUST_PROXY: '127.0.0.1',
        PCF_RATE_LIMIT_IP: '1000000',
        PCF_RATE_LIMIT_USER: '1000000',
        PCF_SANDBOX_CONFIRM_MS: '0',
        LOG_LEVEL: 'info',
      };
      processes.identity = await startServer(
        {
          ...common,
          PORT: String(ports.identity),
          DATABASE_URL: identityDb!.databaseUrl,
          PCF_ADMIN_EMAIL: ADMIN.email,
          PCF_ADMIN_PASSWORD: ADMIN.password,
        },
        ['--services=identity'],
      );
      walletEnv = { ...common, PORT: String(ports.wallet), DATABASE_URL: walletDb!.databaseUrl };
      processes.wallet = await startServer(walletEnv, ['--services=wallet']);
      processes.shop = await startServer(
        { ...common, PORT: String(ports.shop), DATABASE_URL: shopDb!.databaseUrl },
        ['--services=shop'],
      );
      processes.gateway = await startServer({
        PORT: '0',
        PCF_SERVICES: 'gateway',
        PCF_SERVICE_TOKEN: token,
        PCF_SERVICE_URLS: serviceUrls,
      });
      gatewayUrl = processes.gateway.url;

      const admin = await call('/v1/auth/login', { method: 'POST', body: ADMIN });
      const adminToken = String(admin.body.accessToken);
      club = `split-${randomUUID().slice(0, 6)}`;
      const partner = await call('/v1/partners', {
        method: 'POST',
        token: adminToken,
        body: {
          name: 'Split Club',
          slug: club,
          admin: { email: `admin@${club}.test`, password: PASSWORD, displayName: 'Admin' },
        },
      });
      expect(partner.status).toBe(201);
      // The shop learns of the club from identity's event, through the Redis bus.
      await waitFor(
        async () => (await call(`/v1/shop/products?club=${club}`)).status === 200,
        'the shop knows the club',
      );
    }, 120_000);

    afterAll(async () => {
      for (const name of ['gateway', 'shop', 'wallet', 'identity']) await processes[name]?.stop('SIGKILL');
      for (const database of databases) await database.drop();
    }, 60_000);

    async function createProduct(stock: number): Promise<{ productId: string; variantId: string }> {
      const login = await call('/v1/auth/login', {
        method: 'POST',
        body: { email: `admin@${club}.test`, password: PASSWORD },
      });
      const created = await call('/v1/shop/admin/products', {
        method: 'POST',
        token: String(login.body.accessToken),
        body: {
          club,
          category: 'maillots',
          name: { fr: 'Maillot domicile', en: 'Home jersey' },
          variants: [{ sku: `SPLIT-${randomUUID().slice(0, 8)}`, label: 'M', price: '10.00', stock }],
        },
      });
      expect(created.status).toBe(201);
      const product = created.body as { id: string; variants: { id: string }[] };
      return { productId: product.id, variantId: product.variants[0]!.id };
    }

    async function fundedFans(count: number, amount: string): Promise<Fan[]> {
      const fans: Fan[] = [];
      for (let i = 0; i < count; i++) {
        const signup = await call('/v1/auth/signup', {
          method: 'POST',
          body: {
            email: `buyer-${randomUUID().slice(0, 8)}@example.com`,
            password: PASSWORD,
            displayName: `Buyer ${i}`,
          },
        });
        const fan = { id: String((signup.body.user as Body).id), token: String(signup.body.accessToken) };
        const deposit = await call('/v1/wallet/deposit', {
          method: 'POST',
          token: fan.token,
          key: randomUUID(),
          body: { amount, asset: 'EUR', method: 'card' },
        });
        expect(deposit.status).toBe(202);
        fans.push(fan);
      }
      for (const fan of fans) {
        await waitFor(
          async () => (await call('/v1/wallet/balance', { token: fan.token })).body?.balance === amount,
          'deposits confirmed',
        );
      }
      return fans;
    }

    const balance = async (fan: Fan) =>
      String((await call('/v1/wallet/balance', { token: fan.token })).body.balance);
    const orders = async (fan: Fan) =>
      ((await call('/v1/shop/orders?limit=50', { token: fan.token })).body.data ?? []) as {
        id: string;
        status: string;
        cashback: { status: string };
      }[];

    it('runs checkout and cashback across processes through the gateway', async () => {
      const { productId, variantId } = await createProduct(10);
      const [fan] = await fundedFans(1, '50.00');
      const added = await call('/v1/shop/cart/add', {
        method: 'POST',
        token: fan!.token,
        body: { productId, variantId, quantity: 2 },
      });
      expect(added.status).toBe(200);
      const checkout = await call('/v1/shop/checkout', {
        method: 'POST',
        token: fan!.token,
        key: randomUUID(),
        body: { club },
      });
      expect(checkout.status).toBe(201);
      expect(checkout.body.status).toBe('paid');
      await waitFor(async () => (await orders(fan!))[0]?.cashback.status === 'credited', 'cashback credited');
      expect(await balance(fan!)).toBe('31.00'); // 50.00 − 20.00 + 5 % of 20.00
    });

    it('survives kill -9 of the wallet mid-checkout: no order paid twice, no stock lost, cashback exactly once', async () => {
      const stock = 20;
      const { productId, variantId } = await createProduct(stock);
      const fans = await fundedFans(24, '30.00');
      for (const fan of fans) {
        const added = await call('/v1/shop/cart/add', {
          method: 'POST',
          token: fan.token,
          body: { productId, variantId, quantity: 1 },
        });
        expect(added.status).toBe(200);
      }
      const keys = fans.map(() => randomUUID());
      const checkout = (i: number) =>
        call('/v1/shop/checkout', {
          method: 'POST',
          token: fans[i]!.token,
          key: keys[i],
          body: { club },
        }).catch(() => ({ status: 0, body: {} as Body }));
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      // Checkouts start one every 15 ms; the wallet dies as soon as the first one is paid, with the rest in flight
      // (a fixed delay raced the machine's speed: under load no checkout had finished when the wallet died).
      let firstPaid: () => void = () => {};
      const onePaid = new Promise<void>((resolve) => {
        firstPaid = resolve;
      });
      const first = Promise.all(
        fans.map((_, i) =>
          sleep(i * 15)
            .then(() => checkout(i))
            .then((result) => {
              if (result.status === 201) firstPaid();
              return result;
            }),
        ),
      );
      await Promise.race([onePaid, first]);
      await processes.wallet!.stop('SIGKILL');
      const firstResults = await first;
      expect(firstResults.some((r) => r.status === 201)).toBe(true);
      expect(firstResults.some((r) => r.status !== 201)).toBe(true);
      processes.wallet = await startServer(walletEnv, ['--services=wallet']);
      // Fans retry what did not succeed, with the same key (a client's retry after an error).
      for (const [i, result] of firstResults.entries()) {
        if (result.status !== 201) await checkout(i);
      }

      // The shop's recovery pass settles every order left pending by the crash.
      const settled = async () => (await Promise.all(fans.map(orders))).flat();
      await waitFor(
        async () => (await settled()).every((o) => o.status !== 'pending'),
        'no order pending',
        30_000,
      );
      const all = await settled();
      const paid = all.filter((o) => o.status === 'paid');
      expect(paid.length).toBeLessThanOrEqual(stock);
      expect(paid.length).toBeGreaterThan(0);
      await waitFor(
        async () =>
          (await settled()).filter((o) => o.status === 'paid').every((o) => o.cashback.status === 'credited'),
        'every cashback credited',
        30_000,
      );

      // Each fan: at most one paid order, and the wallet shows exactly that: 30.00 − 10.00 + 0.50, or 30.00.
      // A capture the wallet committed just before it died, whose answer never reached the shop, belongs to an
      // order the shop failed: the shop's recovery refunds it (after its grace period), so this settles.
      const expected = async (fan: Fan) => {
        const own = (await orders(fan)).filter((o) => o.status === 'paid');
        expect(own.length).toBeLessThanOrEqual(1);
        return own.length === 1 ? '20.50' : '30.00';
      };
      const unsettled = async () => {
        const wrong: string[] = [];
        for (const fan of fans) {
          const [want, have] = [await expected(fan), await balance(fan)];
          if (want !== have) wrong.push(`${fan.id}: ${have} instead of ${want}`);
        }
        return wrong;
      };
      await waitFor(async () => (await unsettled()).length === 0, 'every wallet settles', 45_000).catch(
        async () => expect(await unsettled()).toEqual([]),
      );

      // Stock: what is left plus what was sold is what there was; nothing reserved by a failed order remains.
      const product = await call(`/v1/shop/products/${productId}`);
      const left = (product.body.variants as { id: string; stock: number }[]).find(
        (v) => v.id === variantId,
      )!.stock;
      expect(left + paid.length).toBe(stock);

      // The wallet's ledger: one capture per paid order, one cashback credit per paid order, and a clean audit.
      const walletDb = new pg.Client({ connectionString: databases[1]!.databaseUrl });
      await walletDb.connect();
      try {
        // Captures refunded by the recovery (failed orders) are netted out: refunded = captured.
        const captured = await walletDb.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM wallet.holds
           WHERE merchant = 'shop' AND status = 'captured' AND refunded < captured`,
        );
        const credits = await walletDb.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM wallet.transactions WHERE kind = 'credit'`,
        );
        expect(captured.rows[0]!.n).toBe(paid.length + 1); // + the first test's order
        expect(credits.rows[0]!.n).toBe(paid.length + 1);
        // Holds of failed orders are voided by the shop's compensation pass once the wallet answers again.
        const activeHolds = async () =>
          (
            await walletDb.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM wallet.holds WHERE status = 'active'`,
            )
          ).rows[0]!.n;
        await waitFor(async () => (await activeHolds()) === 0, 'no hold left active', 30_000);
      } finally {
        await walletDb.end();
      }
    }, 180_000);
  },
);
