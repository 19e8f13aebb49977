import { middleware } from '#start/kernel'
import { definePluginRoutes, rowId } from '#plugins/routes'

const ContactsController = () => import('#crm/controllers/contacts_controller')
const ContactEditsController = () => import('#crm/controllers/contact_edits_controller')
const SegmentsController = () => import('#crm/controllers/segments_controller')
const TagsController = () => import('#crm/controllers/tags_controller')
const FieldsController = () => import('#crm/controllers/fields_controller')
const ImportsController = () => import('#crm/controllers/imports_controller')
const ExportsController = () => import('#crm/controllers/exports_controller')
const BulkActionsController = () => import('#crm/controllers/bulk_actions_controller')
const MergesController = () => import('#crm/controllers/merges_controller')
const GdprController = () => import('#crm/controllers/gdpr_controller')
const ApiContactsController = () => import('#crm/controllers/api/contacts_controller')
const ApiTagsController = () => import('#crm/controllers/api/tags_controller')
const ApiFieldsController = () => import('#crm/controllers/api/fields_controller')
const ApiSegmentsController = () => import('#crm/controllers/api/segments_controller')
const ApiImportsController = () => import('#crm/controllers/api/imports_controller')

/**
 * Under /w/:workspace/crm (signed-in members; 404 where the CRM is off). Reading needs crm.view,
 * changing a contact or saving a segment crm.edit, the fields and tags of the workspace
 * crm.manage (403).
 */
export default definePluginRoutes({
  admin(router) {
    const view = middleware.can('crm.view')
    const edit = middleware.can('crm.edit')
    const manage = middleware.can('crm.manage')
    const importing = middleware.can('crm.import')
    const exporting = middleware.can('crm.export')

    router.get('/contacts', [ContactsController, 'index']).as('contacts.index').use(view)
    router.get('/contacts/count', [ContactsController, 'count']).as('contacts.count').use(view)
    router.post('/contacts/columns', [ContactsController, 'columns']).as('contacts.columns').use(view)
    router
      .group(() => {
        router.get('/', [ContactsController, 'show']).as('contacts.show').use(view)
        router.get('/timeline', [ContactsController, 'timeline']).as('contacts.timeline').use(view)
        router.put('/', [ContactEditsController, 'profile']).as('contacts.update').use(edit)
        router.put('/fields/:key', [ContactEditsController, 'field']).as('contacts.fields.update').use(edit).where('key', /^[a-z][a-z0-9_]{0,39}$/)
        router.post('/tags', [ContactEditsController, 'tag']).as('contacts.tags.store').use(edit)
        router.delete('/tags/:tagId', [ContactEditsController, 'tag']).as('contacts.tags.destroy').use(edit).where('tagId', rowId)
        router.post('/consent', [ContactEditsController, 'consent']).as('contacts.consent').use(edit)
        router.post('/notes', [ContactEditsController, 'note']).as('contacts.notes.store').use(edit)
        router.get('/merge', [MergesController, 'show']).as('contacts.merge.show').use(edit)
        router.post('/merge', [MergesController, 'store']).as('contacts.merge.store').use(edit)
        router.get('/gdpr', [GdprController, 'export']).as('contacts.gdpr.export').use(middleware.can('crm.gdpr'))
        router.post('/gdpr/erase', [GdprController, 'erase']).as('contacts.gdpr.erase').use(middleware.can('crm.gdpr'))
      })
      .prefix('/contacts/:id')
      .where('id', rowId)

    router.get('/duplicates', [MergesController, 'index']).as('duplicates.index').use(edit)

    // Bulk actions (deleting also needs crm.delete, checked by the action; undoing a delete needs it too).
    router.post('/bulk', [BulkActionsController, 'store']).as('bulk.store').use(edit)
    router.get('/bulk/:id', [BulkActionsController, 'show']).as('bulk.show').use(edit).where('id', rowId)
    router.post('/bulk/:id/undo', [BulkActionsController, 'undo']).as('bulk.undo').use(middleware.can('crm.delete')).where('id', rowId)

    router.get('/segments', [SegmentsController, 'index']).as('segments.index').use(view)
    router.post('/segments', [SegmentsController, 'store']).as('segments.store').use(edit)
    router.get('/segments/:id/count', [SegmentsController, 'count']).as('segments.count').use(view).where('id', rowId)
    router.delete('/segments/:id', [SegmentsController, 'destroy']).as('segments.destroy').use(edit).where('id', rowId)

    router
      .group(() => {
        router.get('/', [ImportsController, 'index']).as('imports.index')
        router.post('/', [ImportsController, 'store']).as('imports.store')
        router.get('/:id', [ImportsController, 'show']).as('imports.show').where('id', rowId)
        router.post('/:id/preview', [ImportsController, 'preview']).as('imports.preview').where('id', rowId)
        router.post('/:id/start', [ImportsController, 'start']).as('imports.start').where('id', rowId)
        router.get('/:id/report', [ImportsController, 'report']).as('imports.report').where('id', rowId)
      })
      .prefix('/imports')
      .use(importing)

    router
      .group(() => {
        router.post('/', [ExportsController, 'store']).as('exports.store')
        router.get('/:id', [ExportsController, 'show']).as('exports.show').where('id', rowId)
        router.get('/:id/download', [ExportsController, 'download']).as('exports.download').where('id', rowId)
      })
      .prefix('/exports')
      .use(exporting)

    router
      .group(() => {
        router.get('/fields', [FieldsController, 'index']).as('settings.fields.index')
        router.post('/fields', [FieldsController, 'store']).as('settings.fields.store')
        router.put('/fields/:id', [FieldsController, 'update']).as('settings.fields.update').where('id', rowId)
        router.delete('/fields/:id', [FieldsController, 'destroy']).as('settings.fields.destroy').where('id', rowId)
        router.get('/tags', [TagsController, 'index']).as('settings.tags.index')
        router.post('/tags', [TagsController, 'store']).as('settings.tags.store')
        router.put('/tags/:id', [TagsController, 'update']).as('settings.tags.update').where('id', rowId)
        router.delete('/tags/:id', [TagsController, 'destroy']).as('settings.tags.destroy').where('id', rowId)
      })
      .prefix('/settings')
      .use(manage)
  },
  /** /api/v1/crm (docs/api.md "CRM", openapi.ts): contacts with the list's filter language, tags, fields, segments, imports. */
  api(router) {
    const view = middleware.can('crm.view')
    const edit = middleware.can('crm.edit')
    const manage = middleware.can('crm.manage')

    router
      .group(() => {
        router.get('/contacts', [ApiContactsController, 'index']).as('contacts.index').use(view)
        router.post('/contacts/search', [ApiContactsController, 'search']).as('contacts.search').use(view)
        router.post('/contacts', [ApiContactsController, 'store']).as('contacts.store').use(edit)
        router.get('/contacts/:id', [ApiContactsController, 'show']).as('contacts.show').use(view)
        router.patch('/contacts/:id', [ApiContactsController, 'update']).as('contacts.update').use(edit)
        router.delete('/contacts/:id', [ApiContactsController, 'destroy']).as('contacts.destroy').use(middleware.can('crm.delete'))
        router.post('/contacts/:id/tags', [ApiContactsController, 'tag']).as('contacts.tags.store').use(edit)
        router.delete('/contacts/:id/tags/:tagId', [ApiContactsController, 'tag']).as('contacts.tags.destroy').use(edit).where('tagId', rowId)

        router.get('/tags', [ApiTagsController, 'index']).as('tags.index').use(view)
        router.post('/tags', [ApiTagsController, 'store']).as('tags.store').use(manage)
        router.delete('/tags/:id', [ApiTagsController, 'destroy']).as('tags.destroy').use(manage)
        router.get('/fields', [ApiFieldsController, 'index']).as('fields.index').use(view)
        router.post('/fields', [ApiFieldsController, 'store']).as('fields.store').use(manage)

        router.get('/segments', [ApiSegmentsController, 'index']).as('segments.index').use(view)
        router.get('/segments/:id/count', [ApiSegmentsController, 'count']).as('segments.count').use(view)
        router.get('/segments/:id/contacts', [ApiSegmentsController, 'contacts']).as('segments.contacts').use(view)
        router.get('/imports/:id', [ApiImportsController, 'show']).as('imports.show').use(middleware.can('crm.import'))
      })
      .where('id', rowId)
  },
})
