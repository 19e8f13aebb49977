import type { I18n } from '@adonisjs/i18n'
import type { FieldContext, MessagesProviderContact } from '@vinejs/vine/types'

/**
 * Validation messages with a form's own labels ("Phone number ID is required", not
 * "phoneNumberId is required"), looked up under `labels` (e.g. 'messaging.fields'), in the
 * user's language; everything else as the core words it. For plugin forms, whose labels live
 * in their own language files.
 */
export class LabelledMessages implements MessagesProviderContact {
  #shared: MessagesProviderContact

  constructor(
    private i18n: I18n,
    private labels: string
  ) {
    this.#shared = i18n.createMessagesProvider()
  }

  getMessage(defaultMessage: string, rule: string, field: FieldContext, meta?: Record<string, any>) {
    const label = this.i18n.resolveIdentifier(`${this.labels}.${field.name}`)
    const named = label ? ({ ...field, name: this.i18n.formatRawMessage(label.message) } as FieldContext) : field
    return this.#shared.getMessage(defaultMessage, rule, named, meta)
  }
}
