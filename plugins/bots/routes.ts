import { middleware } from '#start/kernel'
import { definePluginRoutes, rowId } from '#plugins/routes'

const FlowsController = () => import('#bots/controllers/flows_controller')
const EditorController = () => import('#bots/controllers/editor_controller')
const TestChatsController = () => import('#bots/controllers/test_chats_controller')
const ApiSessionsController = () => import('#bots/controllers/api_sessions_controller')
const ApiFlowsController = () => import('#bots/controllers/api_flows_controller')

/**
 * Under /w/:workspace/bots (signed-in members; 404 where the bots are off). Reading and
 * exporting (and opening the editor, read-only) needs bots.view; creating, importing, saving,
 * testing, publishing, restoring and switching bots.manage (403).
 */
export default definePluginRoutes({
  admin(router) {
    const view = middleware.can('bots.view')
    const manage = middleware.can('bots.manage')

    router.get('/', [FlowsController, 'index']).as('index').use(view)
    router.post('/import', [FlowsController, 'store']).as('flows.store').use(manage)
    router.post('/flows', [EditorController, 'store']).as('flows.create').use(manage)
    router
      .group(() => {
        router.get('/', [FlowsController, 'show']).as('flows.show').use(view)
        router.get('/export', [FlowsController, 'export']).as('flows.export').use(view)
        router.get('/edit', [EditorController, 'edit']).as('flows.edit').use(view)
        router.put('/draft', [EditorController, 'update']).as('flows.draft').use(manage)
        router.get('/test', [TestChatsController, 'show']).as('tests.show').use(manage)
        router.post('/test', [TestChatsController, 'store']).as('tests.store').use(manage)
        router.post('/test/answer', [TestChatsController, 'answer']).as('tests.answer').use(manage)
        router.post('/test/skip', [TestChatsController, 'skip']).as('tests.skip').use(manage)
        router.post('/import', [FlowsController, 'importDraft']).as('flows.import').use(manage)
        router.post('/publish', [FlowsController, 'publish']).as('flows.publish').use(manage)
        router.post('/enabled', [FlowsController, 'enabled']).as('flows.enabled').use(manage)
        router.post('/name', [FlowsController, 'rename']).as('flows.rename').use(manage)
        router.get('/versions/:versionId', [FlowsController, 'version']).as('versions.show').use(view).where('versionId', rowId)
        router
          .post('/versions/:versionId/restore', [FlowsController, 'restore'])
          .as('versions.restore')
          .use(manage)
          .where('versionId', rowId)
      })
      .prefix('/flows/:id')
      .where('id', rowId)
  },
  /** /api/v1/bots (openapi.ts): the flows as JSON documents, and starting one, for other systems. */
  api(router) {
    const view = middleware.can('bots.view')
    const manage = middleware.can('bots.manage')
    router.post('/sessions', [ApiSessionsController, 'store']).as('sessions.store').use(manage)
    router.get('/flows', [ApiFlowsController, 'index']).as('flows.index').use(view)
    router.post('/flows', [ApiFlowsController, 'store']).as('flows.store').use(manage)
    router
      .group(() => {
        router.get('/', [ApiFlowsController, 'show']).as('flows.show').use(view)
        router.patch('/', [ApiFlowsController, 'update']).as('flows.update').use(manage)
        router.put('/draft', [ApiFlowsController, 'draft']).as('flows.draft').use(manage)
        router.get('/export', [ApiFlowsController, 'export']).as('flows.export').use(view)
        router.post('/publish', [ApiFlowsController, 'publish']).as('flows.publish').use(manage)
        router.get('/stats', [ApiFlowsController, 'stats']).as('flows.stats').use(view)
      })
      .prefix('/flows/:id')
      .where('id', rowId)
  },
})
