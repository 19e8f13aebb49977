import { BaseMail } from '@adonisjs/mail'
import i18nManager from '@adonisjs/i18n/services/main'
import env from '#start/env'
import type { Brand } from '#tenancy/brand'

export type MailTemplate = 'verify_email' | 'reset_password' | 'invitation'

/**
 * Every transactional e-mail, in the recipient's language. The sender name and footer
 * are the brand's, so nothing says "Switchboard" to a white-label reseller's users.
 * Subject and body come from resources/lang/<locale>/mail.json under `template`;
 * `data.url` is the one action link.
 */
export default class BrandedMail extends BaseMail {
  constructor(
    private recipient: string,
    private template: MailTemplate,
    private data: { url: string; [key: string]: string },
    private brand: Brand,
    private locale: string
  ) {
    super()
  }

  prepare() {
    const i18n = i18nManager.locale(i18nManager.getSupportedLocaleFor([this.locale]) ?? 'en')
    const values = { ...this.data, product: this.brand.productName }
    const subject = i18n.t(`mail.${this.template}.subject`, values)
    const view = {
      brand: this.brand,
      url: this.data.url,
      subject,
      paragraphs: [i18n.t(`mail.${this.template}.body`, values), i18n.t(`mail.${this.template}.note`, values)],
      action: i18n.t(`mail.${this.template}.action`, values),
    }
    this.message
      .from(env.get('MAIL_FROM_ADDRESS'), this.brand.productName)
      .to(this.recipient)
      .subject(subject)
      .htmlView('emails/branded', view)
      .textView('emails/text', view)
  }
}
