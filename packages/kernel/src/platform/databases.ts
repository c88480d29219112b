import { type Config, embeddedDatabaseDir } from '../config.ts';
import type { Database } from '../db/database.ts';
import { canManageRoles, migrate } from '../db/migrate.ts';
import { PgliteDatabase } from '../db/pglite.ts';
import { PostgresDatabase } from '../db/postgres.ts';
import type { ServiceModule } from '../service.ts';

export interface ServiceDatabases {
  /** One handle per service; on PostgreSQL each pool runs as the service's own role. */
  forService: Map<string, Database>;
  all: Database[];
}

/**
 * Embedded default: one PGlite for every service (each in its own schema). With DATABASE_URL: migrations run
 * as the connecting user, then each service gets its own pool that SET ROLEs to pcf_<service>, which owns only
 * that service's schema — reading another service's tables fails with "permission denied".
 */
export async function openDatabases(config: Config, modules: ServiceModule[]): Promise<ServiceDatabases> {
  if (!config.databaseUrl) {
    const db = await PgliteDatabase.open(embeddedDatabaseDir(config));
    try {
      for (const module of modules) {
        await migrate(db, {
          schema: module.name,
          migrationsDir: module.migrationsDir,
          extensions: module.extensions,
        });
      }
    } catch (error) {
      await db.close();
      throw error;
    }
    return { forService: new Map(modules.map((m) => [m.name, db])), all: [db] };
  }
  const admin = new PostgresDatabase(config.databaseUrl, { max: 1, applicationName: 'paiecashfan-migrate' });
  try {
    const roles = await canManageRoles(admin);
    const forService = new Map<string, Database>();
    for (const module of modules) {
      const role = roles ? `pcf_${module.name}` : undefined;
      await migrate(admin, {
        schema: module.name,
        migrationsDir: module.migrationsDir,
        role,
        extensions: module.extensions,
      });
      forService.set(
        module.name,
        new PostgresDatabase(config.databaseUrl, {
          max: config.databasePoolMax,
          role,
          applicationName: `paiecashfan-${module.name}`,
        }),
      );
    }
    return { forService, all: [...forService.values()] };
  } finally {
    await admin.close();
  }
}
