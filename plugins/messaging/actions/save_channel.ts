import { randomBytes } from 'node:crypto'
import Channel from '#messaging/models/channel'
import { toE164 } from '#messaging/services/phone'
import { providers } from '#messaging/services/providers'
import { Refusal } from '#messaging/services/refusal'
import type { StoreChannelInput, UpdateChannelInput } from '#messaging/validators/channel'

/** Where each provider field is kept: ids in the clear, secrets encrypted. */
const PLACEMENT: Record<string, { ids: string[]; secrets: string[] }> = {
  'whatsapp-cloud': { ids: ['phoneNumberId', 'wabaId'], secrets: ['accessToken', 'appSecret', 'verifyToken'] },
  'whatsapp-360dialog': { ids: [], secrets: ['apiKey', 'webhookSecret', 'webhookHeaderName', 'webhookHeaderValue'] },
  'whatsapp-gupshup': { ids: ['appName', 'source', 'appId'], secrets: ['apiKey'] },
}

const secret = () => randomBytes(24).toString('base64url')

function applyInput(channel: Channel, input: StoreChannelInput | UpdateChannelInput) {
  const fields = input as Record<string, unknown>
  const { ids, secrets } = PLACEMENT[channel.provider]
  const pick = (names: string[], into: Record<string, string>) => {
    const next = { ...into }
    for (const name of names) if (typeof fields[name] === 'string') next[name] = (fields[name] as string).replace(/^\+/, '')
    return next
  }
  if (input.phoneNumber !== undefined) {
    const phone = toE164(input.phoneNumber)
    if (!phone) throw new Refusal('phoneNumber: not a valid phone number (use the international format, +<country code>…)', 'phoneNumber')
    channel.displayPhone = phone
  }
  if (input.name !== undefined) channel.name = input.name
  if (input.apiBaseUrl !== undefined) channel.apiBaseUrl = input.apiBaseUrl ?? null
  if (input.throughputPerSecond !== undefined) channel.throughputPerSecond = input.throughputPerSecond
  channel.providerIds = pick(ids, channel.providerIds ?? {})
  // Tokens are pasted as given (only ids lose a leading +).
  const credentials = { ...(channel.credentials ?? {}) }
  for (const name of secrets) if (typeof fields[name] === 'string') credentials[name] = fields[name] as string
  channel.credentials = credentials
}

/** Connects a channel. Generates what the provider's console must be given: verify token, URL token. */
export async function storeChannel(workspaceId: number, input: StoreChannelInput) {
  const provider = providers.find(input.provider)
  if (!provider) throw new Refusal(`provider: "${input.provider}" is not installed`, 'provider')
  const channel = new Channel()
  channel.merge({ workspaceId, provider: input.provider, providerIds: {}, credentials: {} })
  applyInput(channel, input)
  channel.throughputPerSecond = input.throughputPerSecond ?? provider.limits.defaultThroughputPerSecond
  if (input.provider === 'whatsapp-cloud' && !channel.credentials.verifyToken) {
    channel.credentials = { ...channel.credentials, verifyToken: secret() }
  }
  if (input.provider === 'whatsapp-gupshup') channel.credentials = { ...channel.credentials, webhookToken: secret() }
  await channel.save()
  return channel
}

export async function updateChannel(channel: Channel, input: UpdateChannelInput) {
  applyInput(channel, input)
  await channel.save()
  return channel
}
