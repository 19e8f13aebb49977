import vine from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import { PROVIDERS } from '#messaging/models/channel'

/** Secrets and ids as pasted from a provider's console: trimmed, no spaces inside. */
const token = (max = 1000) => vine.string().trim().minLength(1).maxLength(max).regex(/^\S+$/)

/** Tests and self-hosted proxies point a channel at another API host (the simulator). */
const apiBaseUrl = vine.string().trim().url({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }).maxLength(300)

/** Each provider's own fields (POST and PATCH take the same; PATCH makes them optional). */
const providerFields = (optional: boolean) => {
  const field = <T extends { optional(): any }>(schema: T) => (optional ? schema.optional() : schema)
  return vine.group([
    vine.group.if((data) => data.provider === 'whatsapp-cloud', {
      phoneNumberId: field(token(64)),
      wabaId: field(token(64)),
      accessToken: field(token(2000)),
      appSecret: field(token(200)),
      verifyToken: token(200).optional(),
    }),
    vine.group.if((data) => data.provider === 'whatsapp-360dialog', {
      apiKey: field(token(500)),
      webhookSecret: token(200).optional(),
      webhookHeaderName: vine.string().trim().regex(/^[A-Za-z0-9-]{1,100}$/).optional().requiredIfExists('webhookHeaderValue'),
      webhookHeaderValue: token(500).optional().requiredIfExists('webhookHeaderName'),
    }),
    vine.group.if((data) => data.provider === 'whatsapp-gupshup', {
      appName: field(vine.string().trim().minLength(1).maxLength(100)),
      apiKey: field(token(500)),
      source: field(vine.string().trim().regex(/^\+?\d{6,15}$/)),
      appId: token(100).optional(),
    }),
  ])
}

export const storeChannelValidator = vine.compile(
  vine
    .object({
      provider: vine.enum(PROVIDERS),
      name: vine.string().trim().minLength(1).maxLength(120),
      phoneNumber: vine.string().trim().regex(/^\+?[\d\s().-]{6,24}$/),
      apiBaseUrl: apiBaseUrl.optional(),
      throughputPerSecond: vine.number().withoutDecimals().min(1).max(1000).optional(),
    })
    .merge(providerFields(false))
)

/** PATCH: everything optional; the provider cannot change (connect a new channel instead). */
export const updateChannelValidator = vine.compile(
  vine
    .object({
      provider: vine.enum(PROVIDERS),
      name: vine.string().trim().minLength(1).maxLength(120).optional(),
      phoneNumber: vine.string().trim().regex(/^\+?[\d\s().-]{6,24}$/).optional(),
      apiBaseUrl: apiBaseUrl.nullable().optional(),
      throughputPerSecond: vine.number().withoutDecimals().min(1).max(1000).optional(),
    })
    .merge(providerFields(true))
)

export type StoreChannelInput = Infer<typeof storeChannelValidator>
export type UpdateChannelInput = Infer<typeof updateChannelValidator>
