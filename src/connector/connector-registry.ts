import type { ConnectorModule } from './connector-module';

/** The connectors an app knows, looked up by the provider id kept in the store. */
export interface ConnectorRegistry {
  readonly modules: readonly ConnectorModule[];
  /** The module for a provider; throws naming the known ones when there is none. */
  get(provider: string): ConnectorModule;
  has(provider: string): boolean;
}

export function createConnectorRegistry(modules: readonly ConnectorModule[]): ConnectorRegistry {
  const byProvider = new Map<string, ConnectorModule>();
  for (const module of modules) {
    if (byProvider.has(module.provider)) throw new Error(`two connectors claim the provider "${module.provider}"`);
    byProvider.set(module.provider, module);
  }
  return {
    modules,
    has: (provider) => byProvider.has(provider),
    get(provider) {
      const module = byProvider.get(provider);
      if (!module) throw new Error(`no connector for provider "${provider}" (known: ${[...byProvider.keys()].join(', ')})`);
      return module;
    },
  };
}
