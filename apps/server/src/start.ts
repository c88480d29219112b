/** The server proper, loaded by main.ts once the embedded database is opening: config, start, banner, SIGTERM/SIGINT drain. */
import { ConfigError, createPlatform, loadConfig } from '@pcf/kernel';
import { MODULES } from './modules.ts';
import { platformWebSurface } from './web/web.surface.ts';

async function main(): Promise<void> {
  const startedAt = performance.now();
  const config = loadConfig();
  const server = config.gateway
    ? await (await import('./gateway.ts')).createGateway(config)
    : await createPlatform(config, { modules: MODULES, surfaces: [platformWebSurface(config)] });
  const address = await server.listen();
  const log = server.app.log;
  for (const line of server.banner) log.info(line);
  log.info(
    {
      url: config.publicUrl,
      address,
      services: server.services,
      database: config.databaseUrl ? 'postgresql' : 'pglite',
      bus: config.redisUrl ? 'redis' : 'memory',
      startupMs: Math.round(performance.now() - startedAt),
    },
    `PaieCashFan ready on ${config.publicUrl} — API docs at ${config.publicUrl}/docs`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => {
      log.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    server.close().then(
      () => {
        log.info('stopped cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
  } else {
    process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
