import type { HttpContext } from '@adonisjs/core/http'
import Contact from '#messaging/models/contact'
import { storeContact } from '#messaging/actions/store_contact'
import { listContactsValidator, storeContactValidator, updateContactValidator } from '#messaging/validators/contact'
import { contactJson, page } from '#messaging/presenters'
import { orContactMatches } from '#messaging/services/contact_search'

/** /api/v1/contacts */
export default class ContactsController {
  async index({ request, tenant, response }: HttpContext) {
    const { search, page: number = 1, perPage = 25 } = await request.validateUsing(listContactsValidator, { data: request.qs() })
    const query = Contact.query().where('workspace_id', tenant.workspace.id).withScopes((scopes) => scopes.visible())
    if (search) query.where((q) => orContactMatches(q, search))
    const contacts = await query.orderBy('id', 'desc').paginate(number, perPage)
    return response.json(page(contacts, contactJson))
  }

  async show({ params, tenant, response }: HttpContext) {
    return response.json({ data: contactJson(await Contact.findInWorkspace(tenant.workspace.id, params.id)) })
  }

  async store({ request, tenant, response }: HttpContext) {
    const input = await request.validateUsing(storeContactValidator)
    return response.created({ data: contactJson(await storeContact(tenant.workspace.id, input)) })
  }

  async update({ params, request, tenant, response }: HttpContext) {
    const contact = await Contact.findInWorkspace(tenant.workspace.id, params.id)
    const input = await request.validateUsing(updateContactValidator)
    contact.merge(input)
    if (input.attributes) contact.attributes = { ...contact.attributes, ...input.attributes }
    await contact.save()
    return response.json({ data: contactJson(contact) })
  }
}
