import type { Config, ServiceName } from '../config.ts';
import { InternalHttpClient } from '../internal-client.ts';
import type { PortResolver, ServiceModule } from '../service.ts';

/** Local ports when the service runs here, HTTP ports (via PCF_SERVICE_URLS) otherwise. */
export class Ports implements PortResolver {
  readonly #local = new Map<ServiceName, unknown>();
  readonly #remote = new Map<ServiceName, unknown>();

  constructor(
    private readonly config: Config,
    private readonly modules: ServiceModule[],
  ) {}

  setLocal(name: ServiceName, port: unknown): void {
    this.#local.set(name, port);
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
      const module = this.modules.find((m) => m.name === name);
      if (!url || !module) {
        throw new Error(`the ${name} service is not running here and has no URL in PCF_SERVICE_URLS`);
      }
      remote = module.httpPort(new InternalHttpClient(name, url, this.config.serviceToken));
      this.#remote.set(name, remote);
    }
    return remote as Port;
  }
}
