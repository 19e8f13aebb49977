import { middleware } from '#start/kernel'
import { definePluginRoutes, rowId } from '#plugins/routes'

const ConversationsController = () => import('#inbox/controllers/conversations_controller')
const MessagesController = () => import('#inbox/controllers/messages_controller')
const AssignmentsController = () => import('#inbox/controllers/assignments_controller')
const StatusesController = () => import('#inbox/controllers/statuses_controller')
const TemplatesController = () => import('#inbox/controllers/templates_controller')
const TypingController = () => import('#inbox/controllers/typing_controller')
const NotesController = () => import('#inbox/controllers/notes_controller')
// Teams, presence, auto-assignment, collision warnings, alerts (README: "Assignment").
const TeamsController = () => import('#inbox/controllers/teams_controller')
const AutoAssignmentController = () => import('#inbox/controllers/auto_assignment_controller')
const PresenceController = () => import('#inbox/controllers/presence_controller')
const ViewersController = () => import('#inbox/controllers/viewers_controller')
const AlertsController = () => import('#inbox/controllers/alerts_controller')
const QuickRepliesController = () => import('#inbox/controllers/quick_replies_controller')
const AttachmentsController = () => import('#inbox/controllers/attachments_controller')
const ReactionsController = () => import('#inbox/controllers/reactions_controller')
const NoteEditsController = () => import('#inbox/controllers/note_edits_controller')

/**
 * Under /w/:workspace/inbox (signed-in members; 404 where the inbox is off). Reading needs
 * inbox.view, replying (text, templates, typing, notes) and changing the status inbox.reply,
 * assigning inbox.assign (403). row, header, composer, messages/:messageId and notes/:noteId
 * are what live updates fetch; read is what an open conversation posts as messages arrive.
 */
export default definePluginRoutes({
  admin(router) {
    const view = middleware.can('inbox.view')
    const reply = middleware.can('inbox.reply')
    const assign = middleware.can('inbox.assign')

    router.get('/', [ConversationsController, 'index']).as('index').use(view)
    router
      .group(() => {
        router.get('/', [ConversationsController, 'show']).as('conversations.show').use(view)
        router.get('/row', [ConversationsController, 'row']).as('conversations.row').use(view)
        router.get('/header', [ConversationsController, 'header']).as('conversations.header').use(view)
        router.post('/read', [ConversationsController, 'read']).as('conversations.read').use(view)
        router.get('/composer', [ConversationsController, 'composer']).as('conversations.composer').use(reply)
        router.get('/messages', [MessagesController, 'index']).as('messages.index').use(view)
        router.post('/messages', [MessagesController, 'store']).as('messages.store').use(reply)
        router
          .get('/messages/:messageId', [MessagesController, 'show'])
          .as('messages.show')
          .use(view)
          .where('messageId', rowId)
        router.get('/templates/preview', [TemplatesController, 'preview']).as('templates.preview').use(reply)
        router.post('/templates', [TemplatesController, 'store']).as('templates.store').use(reply)
        router.post('/notes', [NotesController, 'store']).as('notes.store').use(reply)
        router
          .get('/notes/:noteId', [NotesController, 'show'])
          .as('notes.show')
          .use(view)
          .where('noteId', rowId)
        router.post('/typing', [TypingController, 'store']).as('conversations.typing').use(reply)
        router.post('/assignment', [AssignmentsController, 'store']).as('conversations.assignment').use(assign)
        router.post('/status', [StatusesController, 'store']).as('conversations.status').use(reply)
        // Who views the conversation, and what a new message's alert says.
        router.post('/viewers', [ViewersController, 'store']).as('conversations.viewers').use(view)
        router
          .get('/messages/:messageId/alert', [AlertsController, 'show'])
          .as('messages.alert')
          .use(view)
          .where('messageId', rowId)
        // The composer's extras (README: "Quick replies"…).
        router.get('/quick-replies', [QuickRepliesController, 'search']).as('quick_replies.search').use(reply)
        router.post('/attachments', [AttachmentsController, 'store']).as('attachments.store').use(reply)
        router
          .post('/messages/:messageId/reactions', [ReactionsController, 'store'])
          .as('reactions.store')
          .use(reply)
          .where('messageId', rowId)
        // Notes: their author, or inbox.notes.manage (the controller answers 403 otherwise).
        router.get('/notes/:noteId/edit', [NoteEditsController, 'edit']).as('notes.edit').use(reply).where('noteId', rowId)
        router.put('/notes/:noteId', [NoteEditsController, 'update']).as('notes.update').use(reply).where('noteId', rowId)
        router.delete('/notes/:noteId', [NoteEditsController, 'destroy']).as('notes.destroy').use(reply).where('noteId', rowId)
      })
      .prefix('/conversations/:id')
      .where('id', rowId)

    // Assignment: teams and auto-assignment (inbox.manage), and presence.
    const manage = middleware.can('inbox.manage')
    router
      .group(() => {
        router.get('/', [TeamsController, 'index']).as('settings.index')
        router.post('/teams', [TeamsController, 'store']).as('settings.teams.store')
        router.put('/teams/:teamId', [TeamsController, 'update']).as('settings.teams.update').where('teamId', rowId)
        router.delete('/teams/:teamId', [TeamsController, 'destroy']).as('settings.teams.destroy').where('teamId', rowId)
        router.post('/auto-assignment', [AutoAssignmentController, 'update']).as('settings.auto_assignment')
      })
      .prefix('/settings')
      .use(manage)
    router.post('/presence', [PresenceController, 'ping']).as('presence.ping').use(reply)
    router.post('/presence/preferences', [PresenceController, 'preferences']).as('presence.preferences').use(reply)
    // Quick replies, managed in settings (inbox.quick_replies.manage), offered on "/" (above).
    const manageQuickReplies = middleware.can('inbox.quick_replies.manage')
    router
      .group(() => {
        router.get('/', [QuickRepliesController, 'index']).as('quick_replies.index')
        router.get('/new', [QuickRepliesController, 'create']).as('quick_replies.create')
        router.post('/', [QuickRepliesController, 'store']).as('quick_replies.store')
        router.get('/:id/edit', [QuickRepliesController, 'edit']).as('quick_replies.edit').where('id', rowId)
        router.put('/:id', [QuickRepliesController, 'update']).as('quick_replies.update').where('id', rowId)
        router.delete('/:id', [QuickRepliesController, 'destroy']).as('quick_replies.destroy').where('id', rowId)
      })
      .prefix('/quick-replies')
      .use(manageQuickReplies)
  },
})
