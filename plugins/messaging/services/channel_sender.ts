import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { hooks } from '#hooks/bus'
import { retryDelay } from '#jobs/registry'
import type Channel from '#messaging/models/channel'
import Media from '#messaging/models/media'
import Message, { MEDIA_TYPES } from '#messaging/models/message'
import MessageTemplate from '#messaging/models/message_template'
import { ProviderError, type ChannelProvider, type OutboundMessage } from '#messaging/services/channel_provider'
import { providers } from '#messaging/services/providers'
import { readMedia } from '#messaging/services/media_store'
import { signedMediaUrl } from '#messaging/services/media_links'
import { recordSendResults, type Moved, type SendResult } from '#messaging/services/statuses'
import { takeSendSlots, type AnsweredSlot } from '#messaging/services/send_rate'

/** Attempts of a message before a retryable error fails it; the first retry waits about this long. */
const MAX_SEND_ATTEMPTS = 8
const FIRST_RETRY_MS = 2000
/** A claimed message is the sender's for this long; a sender that died gives it back when it ends. */
const LEASE_SECONDS = 60
/** Requests in flight per sender (per channel): enough for 1,000/s at a provider latency of 100 ms. */
const IN_FLIGHT = 128
/** A send still unanswered this long after its slot is logged again at each slot call (services/send_rate.ts). */
const UNANSWERED_MS = 500
/**
 * After a claim came back short (everything due was taken), the next is made ahead only this long
 * after it: while messages are still being queued (a campaign's audience, call by call), the
 * buffer is topped up before it runs dry, and an empty queue is asked at most this often.
 */
const CLAIM_AGAIN_MS = 100
/**
 * A sender that found nothing due waits this long for a wake-up in its process before it ends: under
 * a steady trickle (a bot answering customers one by one) the next message is queued meanwhile and
 * claimed by this sender, without a wake-up job (a Redis flag, a BullMQ job, a sender's first and
 * last claim and its look for the next due time) per message.
 */
const LINGER_MS = 250
/** Results are written together: when this many are waiting, or this many ms after the first. */
const RECORD_BATCH = 250
const RECORD_MS = 40

/** A claimed message, ready to go: what the provider receives. */
interface Outgoing {
  message: Message
  request: OutboundMessage
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Reads a channel's synced template once per claimed batch: a campaign sends one template to many. */
type TemplateLookup = (name: string, language: string) => Promise<MessageTemplate | null>

function templateLookup(channel: Channel): TemplateLookup {
  const found = new Map<string, Promise<MessageTemplate | null>>()
  return (name, language) => {
    const key = JSON.stringify([name, language])
    if (!found.has(key)) found.set(key, MessageTemplate.named(channel, name, language))
    return found.get(key)!
  }
}

/**
 * What the provider receives for a stored message: our references (media, the reacted-to message,
 * the synced template) turned into the provider's. A media upload is remembered on the message,
 * so a retry does not upload again.
 */
async function providerContent(message: Message, channel: Channel, provider: ChannelProvider, templateOf: TemplateLookup) {
  const { mediaId, ...content } = message.content as Record<string, any>
  if ((MEDIA_TYPES as readonly string[]).includes(message.type) && mediaId !== undefined) {
    const media = await Media.query().where('workspace_id', message.workspaceId).where('id', mediaId).firstOrFail()
    const name = message.type === 'document' ? { filename: content.filename ?? media.filename } : {}
    if (!provider.features.mediaUpload) return { ...content, ...name, link: signedMediaUrl(media) }
    if (!content.id) {
      const uploaded = await provider.uploadMedia(channel, { bytes: await readMedia(media), mime: media.mime, filename: media.filename })
      message.content = { ...message.content, id: uploaded.id }
      await db.from('messages').where('workspace_id', message.workspaceId).where('id', message.id).update({ content: JSON.stringify(message.content) })
      content.id = uploaded.id
    }
    return { ...content, ...name }
  }
  if (message.type === 'reaction') {
    const target = await Message.query().where('workspace_id', message.workspaceId).where('id', content.messageId).firstOrFail()
    return { message_id: target.providerMessageId, emoji: content.emoji ?? '' }
  }
  if (message.type === 'template' && provider.features.templateIds) {
    const template = await templateOf(content.name, content.language?.code)
    return { ...content, provider_template_id: template?.providerTemplateId }
  }
  return content
}

/**
 * Sends a channel's queued messages, many at a time: claims due ones in batches (`for update
 * skip locked`, each claimed under a lease), takes rate slots for as many as it can send at once
 * in one Redis call, sends them concurrently over the provider's keep-alive pool (one message per
 * conversation in flight, so a conversation's messages arrive in order), and records the results
 * of many sends in one UPDATE. Several senders of one channel (workers, a duplicate wake-up)
 * share the work and the rate. Hooks fire after the results are written.
 */
export class ChannelSender {
  readonly #provider: ChannelProvider
  readonly #claimSize: number
  #buffer: Outgoing[] = []
  #exhausted = false
  #claimedAt = 0
  /** Told by a wake-up (`takeMore`) that more may be due since its last claim began. */
  #more = false
  /** It made its last claim: it takes no more. */
  #closed = false
  /** Ends the wait of a sender that found nothing due (`LINGER_MS`) early. */
  #woken: (() => void) | null = null
  #refilling: Promise<void> | null = null
  #claimFailure: unknown = null
  #inFlight = 0
  #busyConversations = new Set<number>()
  #settled: (() => void) | null = null
  #results: SendResult[] = []
  #recordTimer: NodeJS.Timeout | null = null
  #recording: Promise<void> = Promise.resolve()
  #lastError: ProviderError | null = null
  /** Slots whose request was answered since the last slot call: logged again at their answer (services/send_rate.ts). */
  #answeredSlots: AnsweredSlot[] = []
  /** Slots of the sends in flight and when each went, oldest first. */
  #unanswered = new Map<string, number>()

  constructor(private readonly channel: Channel) {
    this.#provider = providers.get(channel.provider)
    // About two seconds of the channel's rate: claimed messages go out well within their lease.
    this.#claimSize = Math.min(1000, Math.max(1, channel.throughputPerSecond * 2))
  }

  /** Sends until nothing is due; returns when the next queued message will be (a retry, a lease), if any. */
  async run(): Promise<Date | null> {
    try {
      await this.#pump()
    } finally {
      // (Also when a claim failed: this job's retry sends what it would have.)
      this.#closed = true
      while (this.#inFlight > 0) await this.#nextSettled()
      this.#flush()
      await this.#recording
    }
    if (this.#lastError) await this.channel.merge({ lastError: this.#lastError.message.slice(0, 500), lastErrorAt: DateTime.now() }).save()
    const next = await db
      .from('messages')
      .where('workspace_id', this.channel.workspaceId)
      .where('channel_id', this.channel.id)
      .where('status', 'queued')
      // Says what the send queue's partial index holds (queued rows have a due time), so it is used.
      .whereNotNull('next_attempt_at')
      .min('next_attempt_at as at')
      .first()
    return next?.at ? new Date(next.at) : null
  }

  async #pump() {
    for (;;) {
      // Claim ahead while sending; once a claim came back short, not before CLAIM_AGAIN_MS.
      if (this.#claimFailure) throw this.#claimFailure
      const claimAhead = !this.#exhausted || Date.now() - this.#claimedAt >= CLAIM_AGAIN_MS
      if (this.#buffer.length < this.#claimSize / 2 && claimAhead && !this.#refilling) {
        this.#refilling = this.#claim().then(
          () => void (this.#refilling = null),
          (error) => void ((this.#refilling = null), (this.#claimFailure = error))
        )
      }
      if (!this.#buffer.length) {
        if (this.#refilling) await this.#refilling
        // After a short claim nothing is due until a wake-up says more was queued: no claim to ask.
        else if ((this.#exhausted && !this.#more) || !(await this.#claim())) {
          if (!this.#more) await this.#linger()
          // Read after the wait, not from it: a wake-up may land between its timeout and this line.
          if (this.#more) continue
          this.#closed = true
          return
        }
        continue
      }
      const seats = IN_FLIGHT - this.#inFlight
      const ready: Outgoing[] = []
      const conversations = new Set<number>()
      for (const outgoing of this.#buffer) {
        if (ready.length >= seats) break
        const conversationId = outgoing.message.conversationId
        if (this.#busyConversations.has(conversationId) || conversations.has(conversationId)) continue
        conversations.add(conversationId)
        ready.push(outgoing)
      }
      if (!ready.length) {
        await this.#nextSettled()
        continue
      }
      const { granted, waitMs, slots } = await takeSendSlots(this.channel.id, this.channel.throughputPerSecond, ready.length, this.#toLog())
      if (!granted) {
        // A few ms of jitter, so senders of one channel in other workers do not ask in lockstep.
        await sleep(waitMs + Math.random() * 3)
        continue
      }
      const going = new Set(ready.slice(0, granted))
      this.#buffer = this.#buffer.filter((outgoing) => !going.has(outgoing))
      let slot = 0
      for (const outgoing of going) this.#send(outgoing, slots[slot++])
    }
  }

  /**
   * A wake-up for this channel while this sender runs: it claims again (whatever was queued is
   * seen by its next claim) instead of another sender starting beside it. False once it stopped
   * claiming: the wake-up then starts a sender of its own.
   */
  takeMore() {
    if (this.#closed) return false
    this.#more = true
    this.#exhausted = false
    this.#woken?.()
    return true
  }

  /** Waits up to LINGER_MS for `takeMore` (which sets `#more`). */
  #linger() {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.#woken?.(), LINGER_MS)
      this.#woken = () => {
        clearTimeout(timer)
        this.#woken = null
        resolve()
      }
    })
  }

  /**
   * Claims the next due messages under a lease, with their recipients, and prepares them; returns how many.
   * Their models hold only the columns sending and recording read: a thousand rows' dates turned
   * into luxon objects held the event loop, and with it the pacing's next tenth, for tens of ms.
   */
  async #claim() {
    this.#claimedAt = Date.now()
    this.#more = false
    const { rows } = await db.rawQuery(
      `with due as (
         select id from messages
          where workspace_id = ? and channel_id = ? and status = 'queued' and next_attempt_at <= now()
          order by next_attempt_at, id
          limit ?
          for update skip locked
       )
       update messages m
          set next_attempt_at = now() + make_interval(secs => ?)
         from due, conversations c, contacts k
        where m.id = due.id and c.id = m.conversation_id and k.id = c.contact_id
       returning m.id, m.workspace_id, m.conversation_id, m.channel_id, m.type, m.content, m.status, m.attempts,
                 m.provider_message_id, m.error_code, m.error_reason,
                 k.wa_id as recipient_wa_id, k.phone as recipient_phone,
                 (select r.provider_message_id from messages r where r.id = m.reply_to_id) as reply_to_provider_id`,
      [this.channel.workspaceId, this.channel.id, this.#claimSize, LEASE_SECONDS]
    )
    this.#exhausted = rows.length < this.#claimSize
    const messages = (Message.$createMultipleFromAdapterResult(rows) as Message[]).sort((a, b) => a.id - b.id)
    const templateOf = templateLookup(this.channel)
    for (const message of messages) {
      try {
        const content = message.type === 'text' ? message.content : await providerContent(message, this.channel, this.#provider, templateOf)
        this.#buffer.push({
          message,
          request: {
            to: message.$extras.recipient_wa_id ?? String(message.$extras.recipient_phone).replace(/\D/g, ''),
            type: message.type,
            content,
            replyToProviderId: message.$extras.reply_to_provider_id ?? null,
          },
        })
      } catch (error) {
        this.#settle(message, error)
      }
    }
    return rows.length
  }

  #send({ message, request }: Outgoing, slot: string) {
    this.#inFlight++
    this.#busyConversations.add(message.conversationId)
    this.#unanswered.set(slot, Date.now())
    const landed = () => {
      this.#unanswered.delete(slot)
      this.#answeredSlots.push({ slot, at: Date.now() })
      this.#inFlight--
      this.#busyConversations.delete(message.conversationId)
    }
    this.#provider.send(this.channel, request).then(
      ({ providerMessageId }) => (landed(), this.#settle(message, null, providerMessageId)),
      (error) => (landed(), this.#settle(message, error))
    )
  }

  /** One attempt ended: sent, to be retried with backoff and jitter, or failed for good. */
  #settle(message: Message, error: unknown, providerMessageId?: string) {
    const now = new Date()
    if (providerMessageId !== undefined) {
      this.#results.push({ message, outcome: 'sent', providerMessageId, at: now })
    } else {
      const failure = error instanceof ProviderError ? error : new ProviderError('provider', null, (error as Error)?.message ?? String(error))
      const attempts = message.attempts + 1
      if (failure.retryable && attempts < MAX_SEND_ATTEMPTS) {
        this.#results.push({ message, outcome: 'retry', nextAttemptAt: new Date(now.getTime() + retryDelay(attempts, FIRST_RETRY_MS, failure)) })
      } else {
        this.#lastError = failure
        this.#results.push({ message, outcome: 'failed', at: now, errorCode: failure.code, errorReason: failure.humanReason })
      }
    }
    if (this.#results.length >= RECORD_BATCH) this.#flush()
    else this.#recordTimer ??= setTimeout(() => this.#flush(), RECORD_MS)
    const settled = this.#settled
    this.#settled = null
    settled?.()
  }

  /**
   * What the next slot call logs again: the answers since the last, and the sends still unanswered
   * after UNANSWERED_MS, at now (one may yet arrive, so its place must not lapse at its slot's end).
   */
  #toLog() {
    const toLog = this.#answeredSlots
    this.#answeredSlots = []
    const now = Date.now()
    for (const [slot, sentAt] of this.#unanswered) {
      if (now - sentAt < UNANSWERED_MS) break
      toLog.push({ slot, at: now })
    }
    return toLog
  }

  #nextSettled() {
    return new Promise<void>((resolve) => (this.#settled = resolve))
  }

  /** Writes the waiting results (one after another: each write is one statement), then fires their hooks. */
  #flush() {
    if (this.#recordTimer) clearTimeout(this.#recordTimer)
    this.#recordTimer = null
    const results = this.#results
    this.#results = []
    if (!results.length) return
    // Answers are logged in the rate within a record batch even when no slot is asked for meanwhile, at
    // once: behind earlier writes, a send's place could lapse at its slot's end before its answer moved it.
    const toLog = this.#toLog()
    const logged = toLog.length ? takeSendSlots(this.channel.id, this.channel.throughputPerSecond, 0, toLog) : null
    logged?.catch(() => {})
    this.#recording = this.#recording.then(async () => {
      await logged
      const moved = await recordSendResults(results)
      await this.#announce(results, moved)
    })
  }

  async #announce(results: SendResult[], moved: Moved[]) {
    const { workspaceId } = this.channel
    for (const result of results) {
      if (result.outcome !== 'sent') continue
      const { message, providerMessageId } = result
      await hooks.emit('message.sent', { workspaceId, messageId: message.id, conversationId: message.conversationId, providerMessageId })
    }
    for (const change of moved) await hooks.emit('message.statusChanged', change)
  }
}
