/**
 * Reading the customer's answer: the text of any inbound message, the id of a tapped button or
 * row, and the checks of a question's kind (a number, an e-mail, a phone, a date, one of the choices).
 */
import { DateTime } from 'luxon'
import { toE164 } from '#messaging/services/phone'
import type { NodeData } from '#bots/services/flow_schema'

export interface Answer {
  /** What the customer wrote or the title they tapped. */
  text: string
  /** A tapped button's or list row's id, or a template button's payload. */
  id: string | null
}

const str = (value: unknown) => (typeof value === 'string' ? value : '')

/** The answer in an inbound message's content (Cloud API shapes). */
export function answerOf(type: string, content: Record<string, any>): Answer {
  if (type === 'interactive') {
    const reply = content.button_reply ?? content.list_reply ?? {}
    return { text: str(reply.title), id: str(reply.id) || null }
  }
  if (type === 'button') return { text: str(content.text), id: str(content.payload) || null }
  if (type === 'text') return { text: str(content.body), id: null }
  return { text: str(content.caption), id: null }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const DATE_FORMATS = ['yyyy-MM-dd', 'd.M.yyyy', 'd/M/yyyy', 'd-M-yyyy', 'd MMM yyyy', 'd MMMM yyyy', 'MMMM d yyyy', 'MMMM d, yyyy']

/** The value to save for a question's answer, or undefined when it does not fit the kind. */
export function parseAnswer(data: NodeData<'question'>, answer: Answer): string | number | undefined {
  const text = answer.text.trim()
  if (!text) return undefined
  switch (data.kind) {
    case 'text':
      return text
    case 'number': {
      const normalized = text.replace(/\s/g, '').replace(',', '.')
      return /^-?\d+(\.\d+)?$/.test(normalized) ? Number(normalized) : undefined
    }
    case 'email':
      return EMAIL.test(text) ? text.toLowerCase() : undefined
    case 'phone':
      return toE164(text) ?? undefined
    case 'date':
      for (const format of DATE_FORMATS) {
        const date = DateTime.fromFormat(text, format, { locale: 'en' })
        if (date.isValid) return date.toISODate()!
      }
      return undefined
    case 'choice': {
      const choices = data.choices ?? []
      const index = /^\d+$/.test(text) ? Number(text) - 1 : -1
      return choices[index] ?? choices.find((choice) => choice.toLowerCase() === text.toLowerCase())
    }
  }
}

/** The button or list row the answer picks (by id, else by title), or undefined. */
export function pickOption<T extends { id: string; title: string }>(options: T[], answer: Answer): T | undefined {
  const title = answer.text.trim().toLowerCase()
  return options.find((option) => answer.id !== null && option.id === answer.id) ?? options.find((option) => option.title.toLowerCase() === title)
}
