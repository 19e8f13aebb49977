import transmit from '@adonisjs/transmit/services/main'
import Notification from '#notifications/notification'
import { userChannel } from '#realtime/channels'

interface NotifyInput {
  userId: number
  workspaceId?: number | null
  title: string
  body?: string | null
  url?: string | null
}

/**
 * Stores a notification and pushes it to every browser of that user over SSE.
 * Works from the web and the worker process alike (transmit uses Redis fan-out).
 */
export async function notify(input: NotifyInput) {
  const notification = await Notification.create({
    userId: input.userId,
    workspaceId: input.workspaceId ?? null,
    title: input.title,
    body: input.body ?? null,
    url: input.url ?? null,
  })
  transmit.broadcast(userChannel(input.userId), {
    type: 'notification',
    id: notification.id,
    title: notification.title,
    body: notification.body,
    url: notification.url,
  })
  return notification
}
