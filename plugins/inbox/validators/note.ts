import vine from '@vinejs/vine'

/**
 * A note from the composer. Mentions are tokens in the body, `@[Name](userId)`, as the
 * composer's autocomplete writes them (services/mentions.ts reads them).
 */
export const noteValidator = vine.compile(
  vine.object({
    body: vine.string().trim().minLength(1).maxLength(4000),
  })
)
