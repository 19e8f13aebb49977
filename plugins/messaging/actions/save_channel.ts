import { randomBytes } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import AuditLog from '#audit/audit_log'
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

/** Who changes a channel, for the audit log. */
export interface ChannelActor {
  workspace: { id: number; organizationId: number }
  userId: number | null
  ctx?: HttpContext
}

const audited = (channel: Channel) => ({ channelId: channel.id, provider: channel.provider, name: channel.name, phone: channel.displayPhone })

/** Connects a channel. Generates what the provider's console must be given: verify token, URL token. */
export async function storeChannel({ workspace, userId, ctx }: ChannelActor, input: StoreChannelInput) {
  const workspaceId = workspace.id
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
  await channel.refresh() // the columns the database fills (health, timestamps) for the answer
  await AuditLog.recordIn(workspace, 'channel.connected', userId, audited(channel), ctx)
  return channel
}

/** Changes what was given; the audit log names the fields (never their secret values). */
export async function updateChannel({ workspace, userId, ctx }: ChannelActor, channel: Channel, input: UpdateChannelInput) {
  applyInput(channel, input)
  const changed = Object.keys(channel.$dirty).concat(Object.keys(input).filter((key) => PLACEMENT[channel.provider].secrets.includes(key)))
  await channel.save()
  await AuditLog.recordIn(workspace, 'channel.updated', userId, { ...audited(channel), changed: [...new Set(changed)].filter((key) => key !== 'credentials') }, ctx)
  return channel
}

/** Disconnects a channel: its conversations and messages go with it (contacts stay). */
export async function deleteChannel({ workspace, userId, ctx }: ChannelActor, channel: Channel) {
  await channel.delete()
  await AuditLog.recordIn(workspace, 'channel.deleted', userId, audited(channel), ctx)
}
