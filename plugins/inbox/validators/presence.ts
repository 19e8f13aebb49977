import vine from '@vinejs/vine'

/** POST presence/away: the agent's own "away" switch, and the new-message sound. */
export const preferencesValidator = vine.compile(
  vine.object({
    away: vine.boolean().optional(),
    sound: vine.boolean().optional(),
  })
)

/** POST …/viewers: this agent has the conversation open (and is typing, or has left it). */
export const viewingValidator = vine.compile(
  vine.object({
    typing: vine.boolean().optional(),
    left: vine.boolean().optional(),
  })
)
