import { middleware } from '#start/kernel'
import { definePluginRoutes } from '#plugins/routes'
import Channel from '#messaging/models/channel'

const WebhooksController = () => import('#messaging/controllers/webhooks_controller')

/**
 * `admin` routes live under /w/:workspace/messaging (signed-in members of the workspace),
 * `api` routes under /api/v1/messaging (API tokens). Where messaging is off they answer 404.
 */
export default definePluginRoutes({
  admin(router) {
    router
      .get('/', async ({ view, tenant }) => {
        const channels = await Channel.query().where('workspace_id', tenant.workspace.id).orderBy('name')
        return view.render('messaging::pages/index', { channels })
      })
      .as('index')
      .use(middleware.can('messaging.view'))
  },
  public(router) {
    router.get('/webhooks/whatsapp/:channelId', [WebhooksController, 'handshake']).as('webhooks.handshake')
    router.post('/webhooks/whatsapp/:channelId', [WebhooksController, 'receive']).as('webhooks.receive')
  },
})
