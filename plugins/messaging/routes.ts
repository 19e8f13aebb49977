import { middleware } from '#start/kernel'
import { definePluginRoutes, rowId } from '#plugins/routes'

const WebhooksController = () => import('#messaging/controllers/webhooks_controller')
const ChannelsController = () => import('#messaging/controllers/api/channels_controller')
const ContactsController = () => import('#messaging/controllers/api/contacts_controller')
const ConversationsController = () => import('#messaging/controllers/api/conversations_controller')
const MessagesController = () => import('#messaging/controllers/api/messages_controller')
const MediaController = () => import('#messaging/controllers/api/media_controller')
const AdminChannelsController = () => import('#messaging/controllers/admin/channels_controller')
const TestMessagesController = () => import('#messaging/controllers/admin/test_messages_controller')

/**
 * `admin` routes live under /w/:workspace/messaging (signed-in members of the workspace);
 * `rootApi` routes are the product's API at /api/v1 (docs/api.md). Where messaging is off
 * they answer 404.
 */
export default definePluginRoutes({
  admin(router) {
    const view = middleware.can('messaging.view')
    const manage = middleware.can('messaging.channels.manage')
    const send = middleware.can('messaging.send')
    const id = rowId

    router.get('/', [AdminChannelsController, 'index']).as('index').use(view)
    router.get('/channels/new', [AdminChannelsController, 'create']).as('channels.create').use(manage)
    router.post('/channels', [AdminChannelsController, 'store']).as('channels.store').use(manage)
    router.get('/channels/:id', [AdminChannelsController, 'show']).as('channels.show').where('id', id).use(view)
    router.put('/channels/:id', [AdminChannelsController, 'update']).as('channels.update').where('id', id).use(manage)
    router.delete('/channels/:id', [AdminChannelsController, 'destroy']).as('channels.destroy').where('id', id).use(manage)
    router.post('/channels/:id/templates/sync', [AdminChannelsController, 'syncTemplates']).as('channels.templates.sync').where('id', id).use(manage)
    router.post('/channels/:id/test-messages', [TestMessagesController, 'store']).as('channels.test_messages.store').where('id', id).use(send)
    router
      .get('/channels/:id/test-messages/:message', [TestMessagesController, 'show'])
      .as('channels.test_messages.show')
      .where('id', id)
      .where('message', id)
      .use(view)
  },
  rootApi(router) {
    const view = middleware.can('messaging.view')
    const manage = middleware.can('messaging.channels.manage')
    const send = middleware.can('messaging.send')
    const contacts = middleware.can('messaging.contacts.manage')

    router
      .group(() => {
        router.get('/channels', [ChannelsController, 'index']).as('channels.index').use(view)
        router.post('/channels', [ChannelsController, 'store']).as('channels.store').use(manage)
        router.get('/channels/:id', [ChannelsController, 'show']).as('channels.show').use(view)
        router.patch('/channels/:id', [ChannelsController, 'update']).as('channels.update').use(manage)
        router.delete('/channels/:id', [ChannelsController, 'destroy']).as('channels.destroy').use(manage)
        router.get('/channels/:id/templates', [ChannelsController, 'templates']).as('channels.templates').use(view)
        router.post('/channels/:id/templates/sync', [ChannelsController, 'syncTemplates']).as('channels.templates.sync').use(manage)

        router.get('/contacts', [ContactsController, 'index']).as('contacts.index').use(view)
        router.post('/contacts', [ContactsController, 'store']).as('contacts.store').use(contacts)
        router.get('/contacts/:id', [ContactsController, 'show']).as('contacts.show').use(view)
        router.patch('/contacts/:id', [ContactsController, 'update']).as('contacts.update').use(contacts)

        router.get('/conversations', [ConversationsController, 'index']).as('conversations.index').use(view)
        router.get('/conversations/:id', [ConversationsController, 'show']).as('conversations.show').use(view)
        router.get('/conversations/:id/messages', [ConversationsController, 'messages']).as('conversations.messages').use(view)
        router.post('/conversations/:id/messages', [ConversationsController, 'send']).as('conversations.send').use(send)
        router.post('/conversations/:id/read', [ConversationsController, 'read']).as('conversations.read').use(send)

        router.post('/messages', [MessagesController, 'store']).as('messages.store').use(send)
        router.post('/media', [MediaController, 'store']).as('media.store').use(send)
        router.get('/media/:id', [MediaController, 'show']).as('media.show').use(view)
      })
      .where('id', rowId)
  },
  public(router) {
    router.get('/webhooks/whatsapp/:channelId', [WebhooksController, 'handshake']).as('webhooks.handshake')
    router.post('/webhooks/whatsapp/:channelId', [WebhooksController, 'receive']).as('webhooks.receive')
    router.get('/media/:id', [MediaController, 'download']).as('media').where('id', rowId)
  },
  // Signatures are checked over the exact bytes, then the body is parsed once.
  rawBody: ['webhooks.receive'],
})
