import { log, records, settings } from 'switchboard:api'

/** Words of `text` in lower case, so "Price?" matches the keyword "price". */
const words = (text) => new Set(text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean))

export default {
  async 'message.received'(event) {
    if (!event.text) return
    const keywords = String((await settings.get('keywords')) ?? '')
      .split(',')
      .map((keyword) => keyword.trim().toLowerCase())
      .filter(Boolean)
    const said = words(event.text)
    const hit = keywords.find((keyword) => said.has(keyword))
    if (!hit) return
    const tag = String((await settings.get('tag')) || 'lead')
    if (await records.contacts.addTag(event.contactId, tag)) log(`tagged contact ${event.contactId} "${tag}" (keyword "${hit}")`)
  },
}
