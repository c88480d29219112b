import { type Config, ConfigError, type ServiceName } from '../config.ts';
import { InternalHttpClient } from '../internal-client.ts';
import type { PortOf } from '../port/declare.ts';
import { portClient } from '../port/http-client.ts';
import { localPort } from '../port/local.ts';
import type { PortResolver, ServiceModule } from '../service.ts';

/**
 * Local ports when the service runs here (validated against its port declaration, as an HTTP call would be),
 * HTTP clients generated from the declaration (via PCF_SERVICE_URLS) otherwise.
 */
export class Ports implements PortResolver {
  readonly #local = new Map<ServiceName, unknown>();
  readonly #remote = new Map<ServiceName, unknown>();

  constructor(
    private readonly config: Config,
    private readonly modules: ServiceModule[],
  ) {}

  /**
   * Refuses a process whose services call a service that is neither among them nor in PCF_SERVICE_URLS.
   *
   * @throws ConfigError one line naming the service, what it needs and the variable to set
   */
  checkDependencies(running: readonly ServiceModule[]): void {
    const here = new Set(running.map((m) => m.name));
    for (const module of running) {
      const missing = (module.dependsOn ?? []).filter(
        (name) => !here.has(name) && this.config.serviceUrls[name] === undefined,
      );
      if (missing.length > 0) {
        const list = missing.join(' and ');
        throw new ConfigError(
          `the ${module.name} service calls ${list}, which ${missing.length > 1 ? 'do' : 'does'} not run in this ` +
            `process: add ${missing.map((name) => `${name}=<url>`).join(',')} to PCF_SERVICE_URLS ` +
            `(or run ${list} here with PCF_SERVICES)`,
        );
      }
    }
  }

  /**
   * The resolver a service receives: the ports it declared in `dependsOn`, nothing else — so the declaration the
   * start-up check relies on stays true.
   *
   * @throws Error when the service asks for a port it did not declare (a programming error, met by its tests)
   */
  for(module: ServiceModule): PortResolver {
    const declared = new Set(module.dependsOn ?? []);
    return {
      get: <Port>(name: ServiceName): Port => {
        if (!declared.has(name)) {
          throw new Error(`the ${module.name} service calls ${name} without listing it in its dependsOn`);
        }
        return this.get<Port>(name);
      },
    };
  }

  setLocal(name: ServiceName, port: unknown): void {
    const declaration = this.#module(name)?.port;
    this.#local.set(name, declaration ? localPort(declaration, port as PortOf<typeof declaration>) : port);
  }

  has(name: ServiceName): boolean {
    return this.#local.has(name) || this.config.serviceUrls[name] !== undefined;
  }

  get<Port>(name: ServiceName): Port {
    const local = this.#local.get(name);
    if (local) return local as Port;
    let remote = this.#remote.get(name);
    if (!remote) {
      const url = this.config.serviceUrls[name];
      const declaration = this.#module(name)?.port;
      if (!url || !declaration) {
        throw new Error(`the ${name} service is not running here and has no URL in PCF_SERVICE_URLS`);
      }
      remote = portClient(declaration, new InternalHttpClient(name, url, this.config.serviceToken));
      this.#remote.set(name, remote);
    }
    return remote as Port;
  }

  #module(name: ServiceName): ServiceModule | undefined {
    return this.modules.find((m) => m.name === name);
  }
}
