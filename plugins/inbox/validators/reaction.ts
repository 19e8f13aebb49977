import vine from '@vinejs/vine'

/**
 * A reaction from the thread: one emoji (WhatsApp's reaction is a single emoji; 16 characters
 * hold any with its modifiers and joiners). Clicking the reaction already there takes it back.
 */
export const reactionValidator = vine.compile(
  vine.object({
    emoji: vine.string().trim().maxLength(16).regex(/^\p{Extended_Pictographic}/u),
  })
)
