import { randomUUID } from 'node:crypto';
import { type Database, type Outbox, type Queryable, seedOnce } from '@pcf/kernel';
import type { IdentityService } from './auth.service.ts';
import type { PartnersRepository } from './partners.repository.ts';
import { publishPartnerCreated } from './partners.service.ts';
import { hashPassword } from './passwords.ts';
import { randomToken, sha256 } from './secrets.ts';

export const DEMO_FAN_EMAIL = 'fan@demo.paiecashfan.dev';
export const DEMO_ADMIN_EMAIL = 'admin@demo.paiecashfan.dev';
export const DEMO_PARTNERS = [
  {
    name: 'AS Monaco',
    slug: 'monaco',
    publishableKey: 'pk_test_monacoDemo2026',
    adminEmail: 'admin@monaco.demo.paiecashfan.dev',
  },
  {
    name: 'Paris Saint-Germain',
    slug: 'psg',
    publishableKey: 'pk_test_psgDemo2026',
    adminEmail: 'admin@psg.demo.paiecashfan.dev',
  },
] as const;

export interface DemoSeedDeps {
  db: Database;
  identity: IdentityService;
  partners: PartnersRepository;
  outbox: Outbox;
  password: string;
  origins: string[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1'];

/**
 * The origins the demo keys allow: the given ones plus, for a loopback origin, the same port under the other
 * loopback name — the server prints both `http://localhost:PORT` and `http://127.0.0.1:PORT`, and the demo must
 * work at either.
 */
export function demoOrigins(origins: string[]): string[] {
  const all: string[] = [];
  for (const origin of origins) {
    const url = new URL(origin);
    const names = LOOPBACK_NAMES.includes(url.hostname) ? LOOPBACK_NAMES : [url.hostname];
    for (const name of names) all.push(`${url.protocol}//${name}${url.port ? `:${url.port}` : ''}`);
  }
  return [...new Set(all)];
}

/**
 * Demo partners, their admins and keys, a platform admin and a demo fan — inserted once per database. At every
 * start the demo keys also get the origins of this start (the data directory outlives a change of PORT or
 * PCF_PUBLIC_URL), so the demo page works at every address the server prints.
 */
export async function seedIdentityDemo(deps: DemoSeedDeps): Promise<string[]> {
  const lines: string[] = [];
  const origins = demoOrigins(deps.origins);
  await seedOnce(deps.db, 'identity', 'identity-demo-v1', async (tx) => {
    // Hashed only when the seed runs: argon2 costs a noticeable part of a restart otherwise.
    const passwordHash = await hashPassword(deps.password);
    await deps.identity.createUser(
      { email: DEMO_FAN_EMAIL, passwordHash, displayName: 'Léa Martin', role: 'fan', partnerId: null },
      tx,
    );
    await deps.identity.createUser(
      {
        email: DEMO_ADMIN_EMAIL,
        passwordHash,
        displayName: 'Platform Admin',
        role: 'platform_admin',
        partnerId: null,
      },
      tx,
    );
    for (const demo of DEMO_PARTNERS) {
      const secret = await seedPartner(deps, tx, demo, passwordHash);
      lines.push(`Demo secret key for ${demo.name} (shown only now): ${secret}`);
    }
  });
  await deps.partners.addAllowedOrigins(
    DEMO_PARTNERS.map((p) => p.publishableKey),
    origins,
  );
  return lines;
}

async function seedPartner(
  deps: DemoSeedDeps,
  tx: Queryable,
  demo: (typeof DEMO_PARTNERS)[number],
  passwordHash: string,
): Promise<string> {
  const partner = await deps.partners.insertPartner(
    { id: randomUUID(), name: demo.name, slug: demo.slug },
    tx,
  );
  await publishPartnerCreated(deps.outbox, tx, partner);
  await deps.identity.createUser(
    {
      email: demo.adminEmail,
      passwordHash,
      displayName: `${demo.name} Admin`,
      role: 'partner_admin',
      partnerId: partner.id,
    },
    tx,
  );
  await deps.partners.insertKey(
    {
      id: randomUUID(),
      partnerId: partner.id,
      kind: 'publishable',
      mode: 'test',
      publishableKey: demo.publishableKey,
      secretHash: null,
      secretLast4: null,
      allowedOrigins: demoOrigins(deps.origins),
      label: 'Demo',
    },
    tx,
  );
  const secret = `sk_test_${randomToken(40)}`;
  await deps.partners.insertKey(
    {
      id: randomUUID(),
      partnerId: partner.id,
      kind: 'secret',
      mode: 'test',
      publishableKey: null,
      secretHash: sha256(secret),
      secretLast4: secret.slice(-4),
      allowedOrigins: [],
      label: 'Demo',
    },
    tx,
  );
  return secret;
}

export function identityDemoBanner(password: string): string[] {
  return [
    `Demo fan: ${DEMO_FAN_EMAIL} / ${password}`,
    `Demo platform admin: ${DEMO_ADMIN_EMAIL} / ${password}`,
    ...DEMO_PARTNERS.map(
      (p) =>
        `Demo partner ${p.name}: admin ${p.adminEmail} / ${password}, publishable key ${p.publishableKey}`,
    ),
  ];
}
