import string from '@adonisjs/core/helpers/string'
import { MENTION } from '#inbox/services/mentions'

// The framework's escaper (he): safe in element content and in quoted attributes.
const escapeHtml = (text: string) => string.escapeHTML(text)

// http(s) and www. links; trailing punctuation ("see https://x.io.") is left outside the link.
const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"']+/gi
const TRAILING = /[.,;:!?)\]}'"]+$/

/**
 * A customer's (or an agent's) text as HTML: everything escaped, links made clickable and
 * opened in a new tab without giving it our window. The only HTML in the result is ours.
 */
export function linkify(text: string) {
  let html = ''
  let last = 0
  for (const match of text.matchAll(LINK)) {
    const url = match[0].replace(TRAILING, '')
    const start = match.index!
    html += escapeHtml(text.slice(last, start))
    const href = url.toLowerCase().startsWith('www.') ? `https://${url}` : url
    html += `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer nofollow" class="underline break-all">${escapeHtml(url)}</a>`
    last = start + url.length
  }
  return html + escapeHtml(text.slice(last))
}

/**
 * A note as HTML: linkified like a message, its mention tokens shown as "@Name" — marked when
 * the id is among `mentions` (members, as stored), plain text otherwise.
 */
export function noteHtml(text: string, mentions: number[]) {
  let html = ''
  let last = 0
  for (const match of text.matchAll(MENTION)) {
    html += linkify(text.slice(last, match.index))
    const name = escapeHtml(`@${match[1]}`)
    html += mentions.includes(Number(match[2])) ? `<span class="font-semibold text-amber-800 dark:text-amber-200" data-mention="${match[2]}">${name}</span>` : name
    last = match.index! + match[0].length
  }
  return html + linkify(text.slice(last))
}
