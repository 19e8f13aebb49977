/**
 * Mentions in a note are tokens in its text, `@[Name](userId)`, which the composer's
 * autocomplete writes: the text alone says who is meant (a plain form or a script can write
 * them too), and the name reads well where the token is not rendered (a notification).
 */
export const MENTION = /@\[([^\]\n]{1,120})\]\((\d{1,10})\)/g

/** The user ids a text mentions, once each, in order. */
export function mentionedIds(text: string) {
  return [...new Set([...text.matchAll(MENTION)].map((match) => Number(match[2])))]
}

/** The text with its tokens read as "@Name" (a notification's body). */
export function plainMentions(text: string) {
  return text.replace(MENTION, (_, name: string) => `@${name}`)
}
