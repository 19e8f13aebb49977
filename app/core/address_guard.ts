/**
 * Outbound HTTP to URLs that users or scripts choose (a bot's HTTP node, a marketplace app's
 * http.fetch) must not reach into the platform's own network. The address is checked where the
 * socket connects, in its DNS lookup: a name checked first and resolved again by the request
 * could answer differently the second time (DNS rebinding).
 */
import { lookup } from 'node:dns/promises'
import { BlockList, isIP, type LookupFunction } from 'node:net'

/** Loopback, private, link-local, CGNAT, metadata, multicast, reserved and unspecified ranges. */
const forbidden = new BlockList()
for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['224.0.0.0', 3]] as const) {
  forbidden.addSubnet(net, prefix, 'ipv4')
}
for (const [net, prefix] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) forbidden.addSubnet(net, prefix, 'ipv6')

export function isForbiddenAddress(address: string) {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped) return forbidden.check(mapped[1], 'ipv4')
  // The URL parser writes a mapped address in hex (http://[::ffff:127.0.0.1] → [::ffff:7f00:1]).
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address)
  if (hex) {
    const [high, low] = [Number.parseInt(hex[1], 16), Number.parseInt(hex[2], 16)]
    return forbidden.check(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, 'ipv4')
  }
  return forbidden.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4')
}

/** A URL's host when it is an IP literal (brackets of IPv6 removed), else null: no lookup runs for those. */
export function literalAddress(url: URL) {
  const host = url.hostname.replace(/^\[|\]$/g, '')
  return isIP(host) ? host : null
}

/**
 * A socket `lookup` (for http.request, or undici's `connect`) that resolves the name and fails
 * the connection with `refuse(hostname)` when any of its addresses is forbidden. IP literals
 * skip lookups: check them with `literalAddress` + `isForbiddenAddress` before the request.
 */
export function guardedLookup(refuse: (hostname: string) => Error): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { all: true })
      .then((addresses) => {
        if (addresses.some((address) => isForbiddenAddress(address.address))) return callback(refuse(hostname), '', 4)
        if ((options as { all?: boolean }).all) return (callback as any)(null, addresses)
        callback(null, addresses[0].address, addresses[0].family)
      })
      .catch((error) => callback(error, '', 4))
  }
}
