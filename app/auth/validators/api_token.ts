import vine from '@vinejs/vine'
import { abilities } from '#access/roles'

export const createApiTokenValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(80),
    abilities: vine
      .array(vine.string().in(() => abilities.all().map((a) => a.name)))
      .minLength(1)
      .distinct(),
  })
)
