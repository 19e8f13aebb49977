import Contact from '#messaging/models/contact'
import { column } from '@adonisjs/lucid/orm'

/**
 * Messaging's contact with the columns the CRM adds to the same row (its migration): e-mail,
 * owner, and the conversation count a trigger keeps. One contact, one row.
 */
export default class CrmContact extends Contact {
  static table = 'contacts'

  @column()
  declare email: string | null

  @column()
  declare ownerId: number | null

  @column()
  declare conversationCount: number

  get displayName() {
    return this.name || this.profileName || this.phone
  }
}
