import type { I18n } from '@adonisjs/i18n'

/**
 * `t()` for views. The ICU formatter builds a formatter on every call; most interface
 * strings have no variables, so their text is computed once per locale and reused.
 */
const plain = new Map<string, string>()

export function translator(i18n: I18n) {
  return (key: string, data?: Record<string, unknown>, fallback?: string) => {
    if (data && Object.keys(data).length) return i18n.t(key, data, fallback)
    const cacheKey = `${i18n.locale}:${key}:${fallback ?? ''}`
    let text = plain.get(cacheKey)
    if (text === undefined) {
      text = i18n.t(key, undefined, fallback)
      plain.set(cacheKey, text)
    }
    return text
  }
}
