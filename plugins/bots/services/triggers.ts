/**
 * Which flow an inbound message starts, when no session holds the conversation. Among the
 * workspace's enabled, published flows the most specific trigger wins: a button payload, an ad
 * referral, a keyword, a regular expression, a new contact's first message, then "any message".
 */
import type { InboundClaim } from '#messaging/hooks'
import Flow from '#bots/models/flow'
import type { FlowTrigger } from '#bots/services/flow_schema'
import { answerOf, type Answer } from '#bots/services/answers'

const ORDER: FlowTrigger['type'][] = ['payload', 'referral', 'keyword', 'regex', 'new_contact', 'any']

function matches(trigger: FlowTrigger, claim: InboundClaim, answer: Answer) {
  const text = answer.text.trim().toLowerCase()
  switch (trigger.type) {
    case 'payload':
      return answer.id !== null && answer.id === trigger.payload
    case 'referral': {
      const referral = claim.content.referral as { source_id?: string } | undefined
      return !!referral && (!trigger.sourceId || referral.source_id === trigger.sourceId)
    }
    case 'keyword': {
      const keywords = (trigger.keywords ?? []).map((keyword) => keyword.toLowerCase())
      if (trigger.match === 'contains') {
        const words = text.split(/[^\p{L}\p{N}]+/u)
        return keywords.some((keyword) => (keyword.includes(' ') ? text.includes(keyword) : words.includes(keyword)))
      }
      return keywords.includes(text)
    }
    case 'regex':
      try {
        return new RegExp(trigger.pattern!, 'iu').test(answer.text)
      } catch {
        return false
      }
    case 'new_contact':
      return claim.firstMessage
    case 'any':
      return true
    default:
      return false
  }
}

/** The flow to start for this message, or undefined. */
export async function flowFor(claim: InboundClaim) {
  const flows = await Flow.query()
    .where('workspace_id', claim.workspaceId)
    .where('enabled', true)
    .whereExists((query) => query.from('bot_flow_versions').whereColumn('bot_flow_versions.flow_id', 'bot_flows.id').where('state', 'published'))
    .orderBy('id')
  const answer = answerOf(claim.type, claim.content)
  const candidates = flows.filter((flow) => flow.trigger.type !== 'manual' && matches(flow.trigger, claim, answer))
  candidates.sort((a, b) => ORDER.indexOf(a.trigger.type) - ORDER.indexOf(b.trigger.type))
  return candidates[0]
}
