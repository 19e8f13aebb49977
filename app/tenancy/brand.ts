import Organization from '#tenancy/models/organization'

export interface Brand {
  organizationId: number | null
  productName: string
  logoUrl: string | null
  faviconUrl: string
  primaryColor: string
  mailFooter: string
}

export const DEFAULT_BRAND: Brand = Object.freeze({
  organizationId: null,
  productName: 'Switchboard',
  logoUrl: null,
  faviconUrl: '/favicon.svg',
  primaryColor: '#0f9d76',
  mailFooter: 'Sent by Switchboard',
})

/** An organization's brand: its own values over the defaults. Nothing says "Switchboard" once set. */
export function brandOf(organization: Organization): Brand {
  const productName = organization.productName || organization.name
  return {
    organizationId: organization.id,
    productName,
    logoUrl: organization.logoPath ? `/branding/${organization.id}/${organization.logoPath}` : null,
    faviconUrl: organization.faviconPath
      ? `/branding/${organization.id}/${organization.faviconPath}`
      : organization.logoPath
        ? `/branding/${organization.id}/${organization.logoPath}`
        : '/favicon.svg',
    primaryColor: organization.primaryColor || DEFAULT_BRAND.primaryColor,
    mailFooter: organization.mailFooter || productName,
  }
}

/**
 * Host → brand, cached briefly per process: it is read on every request and changes
 * rarely. `forget` drops the entry when branding is saved on this replica; other
 * replicas follow within the TTL.
 */
const TTL_MS = 30_000
const cache = new Map<string, { brand: Brand; until: number }>()

export async function brandForHost(host: string): Promise<Brand> {
  const domain = host.toLowerCase().replace(/:\d+$/, '')
  const hit = cache.get(domain)
  if (hit && hit.until > Date.now()) return hit.brand

  const organization = await Organization.findBy('custom_domain', domain)
  const brand = organization ? brandOf(organization) : DEFAULT_BRAND
  cache.set(domain, { brand, until: Date.now() + TTL_MS })
  return brand
}

export function forgetBrandCache() {
  cache.clear()
}
