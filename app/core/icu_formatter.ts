import intlFormatters from '@poppinss/intl-formatter'
import { IntlMessageFormat } from 'intl-messageformat'
import type { TranslationsFormatterContract } from '@adonisjs/i18n/types'

/**
 * ICU messages, as the framework's formatter formats them (its Intl formatters, tags left as
 * text), but each (locale, message) is compiled once: the framework's parses the message again
 * on every call, and a page asks for dozens of strings. A message with no argument (most labels)
 * is formatted once too.
 */
export class CompiledIcuFormatter implements TranslationsFormatterContract {
  readonly name = 'icu'
  #compiled = new Map<string, IntlMessageFormat | string>()

  format(message: string, locale: string, data?: Record<string, any>) {
    const key = `${locale}\u0000${message}`
    let compiled = this.#compiled.get(key)
    if (compiled === undefined) {
      const parsed = new IntlMessageFormat(message, locale, undefined, {
        formatters: {
          getNumberFormat: intlFormatters.number,
          getDateTimeFormat: intlFormatters.date,
          getPluralRules: intlFormatters.plural,
        },
        ignoreTag: true,
      })
      // Type 0: a literal (TYPE.literal of @formatjs/icu-messageformat-parser, the parser intl-messageformat uses).
      compiled = parsed.getAst().every((element) => element.type === 0) ? String(parsed.format()) : parsed
      this.#compiled.set(key, compiled)
    }
    return typeof compiled === 'string' ? compiled : String(compiled.format(data ?? {}))
  }
}
