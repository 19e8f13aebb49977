import env from '#start/env'

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)

/** The marketplace (docs/marketplace.md): registries read besides this instance's own, and the operator's internal-host allowance. */
export const marketplaceConfig = {
  registries: list(env.get('MARKETPLACE_REGISTRIES')).map((url) => url.replace(/\/+$/, '')),
  allowInternalHosts: list(env.get('MARKETPLACE_ALLOW_INTERNAL_HOSTS')),
}
