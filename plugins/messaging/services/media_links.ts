import env from '#start/env'
import router from '@adonisjs/core/services/router'
import type Media from '#messaging/models/media'

/**
 * A link a provider that sends media by URL (Gupshup) can fetch our file from: signed, valid for
 * an hour, on APP_URL (which must be reachable by the provider). Nobody else can guess it.
 */
export function signedMediaUrl(media: Media) {
  const appUrl = new URL(env.get('APP_URL', 'http://localhost:3333'))
  return router.makeSignedUrl('messaging.public.media', { id: media.id }, { expiresIn: '1h', prefixUrl: appUrl.origin })
}
