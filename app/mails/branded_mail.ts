import { BaseMail } from '@adonisjs/mail'
import env from '#start/env'
import type { Brand } from '#tenancy/brand'

/**
 * Every transactional e-mail: the sender name and footer are the brand's, so nothing
 * says "Switchboard" to a white-label reseller's users. `template` is an Edge view under
 * resources/views/emails; its `url` is the one action link.
 */
export default class BrandedMail extends BaseMail {
  constructor(
    private recipient: string,
    public subject: string,
    private template: string,
    private data: { url: string; [key: string]: unknown },
    private brand: Brand
  ) {
    super()
  }

  prepare() {
    const data = { ...this.data, brand: this.brand, subject: this.subject }
    this.message
      .from(env.get('MAIL_FROM_ADDRESS'), this.brand.productName)
      .to(this.recipient)
      .subject(this.subject)
      .htmlView(`emails/${this.template}`, data)
      .textView('emails/text', data)
  }
}
