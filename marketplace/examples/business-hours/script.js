import { kv, log, messages, settings } from 'switchboard:api'

const number = async (key, fallback) => {
  const value = Number(await settings.get(key))
  return Number.isFinite(value) ? value : fallback
}

export default {
  async 'message.received'(event) {
    const offset = await number('utcOffset', 0)
    const local = new Date(Date.now() + offset * 3_600_000)
    const hour = local.getUTCHours()
    if (hour >= (await number('opens', 9)) && hour < (await number('closes', 18))) return
    // Once per conversation and local day: a chatty customer gets one away message, not ten.
    const day = local.toISOString().slice(0, 10)
    const key = `replied:${event.conversationId}`
    // kv.get answers the stored value's JSON text (or null).
    if (JSON.parse((await kv.get(key)) ?? 'null') === day) return
    await kv.set(key, day)
    const text = String((await settings.get('message')) || 'We are closed now.')
    await messages.send(event.conversationId, text)
    log(`away message sent in conversation ${event.conversationId}`)
  },
}
