import type { Provider } from '#messaging/models/channel'
import type { ChannelProvider } from '#messaging/services/channel_provider'

/**
 * The providers that are installed: each provider plugin registers its implementation of the
 * channel contract from its `setup()`. The kernel looks a channel's provider up here and never
 * imports a provider plugin.
 */
class ProviderRegistry {
  #providers = new Map<Provider, ChannelProvider>()

  register(provider: ChannelProvider) {
    this.#providers.set(provider.name, provider)
  }

  find(name: Provider) {
    return this.#providers.get(name) ?? null
  }

  get(name: Provider) {
    const provider = this.#providers.get(name)
    if (!provider) throw new Error(`No provider plugin "${name}" is installed`)
    return provider
  }

  names() {
    return [...this.#providers.keys()]
  }
}

export const providers = new ProviderRegistry()
