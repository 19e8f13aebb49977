/**
 * The flow runtime: runs a session from node to node until it waits (for an answer, for a
 * delay) or ends. Each step holds the session's row lock (SELECT … FOR UPDATE) for its whole
 * run, so two workers never move one session at once, and writes the session back in the same
 * transaction, with its answers: they go through messaging's `sendMessage` (24-hour window,
 * `message.beforeSend`, rate-limited send queue) with author "bot", queued in that transaction,
 * so a session never moves on without its answers queued, nor answers twice, and a step costs
 * one commit (the senders are woken after it). Hooks and the delay's wake-up job go out after
 * the commit. The lock and what the step reads (conversation, channel, time zone, contact) are
 * one statement (`lockSession`), read again under the lock when another step of the session
 * committed while this one waited for it.
 *
 * A step uses exactly one connection while it holds the lock (the transaction's): what needs
 * another (the settings) happens before or after. Otherwise, with as many steps at once as the
 * pool has connections, every step would wait for a second one that never comes free. The
 * exception is `message.beforeSend`'s filters, which run inside the step as its answers are
 * queued: a tap that needs another connection (a sandboxed script's `records`) waits for one,
 * bounded by its deadline, and then fails open.
 *
 * A test session (the editor's test chat) runs the same steps without a conversation: what it
 * would send is written to its transcript instead, its pretend contact lives in its row, and
 * nothing is announced or counted (no hooks, statistics or assignment).
 */
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { hooks } from '#hooks/bus'
import { columnsOf, prepared } from '#core/prepared'
import { jobs } from '#jobs/registry'
import { settingsOf } from '#plugins/settings'
import Contact from '#messaging/models/contact'
import Conversation from '#messaging/models/conversation'
import { sendMessage } from '#messaging/actions/send_message'
import { Refusal } from '#messaging/services/refusal'
import type { SendMessageInput } from '#messaging/validators/message'
import BotSession, { LIVE_STATUSES, type TestEntry, type TestState } from '#bots/models/bot_session'
import Flow from '#bots/models/flow'
import FlowVersion, { type RunnableVersion } from '#bots/models/flow_version'
import type { FlowDefinition, FlowNode, NodeData } from '#bots/services/flow_schema'
import { render, type Scope } from '#bots/services/scope'
import { chooseBranch } from '#bots/services/conditions'
import { answerOf, parseAnswer, pickOption, type Answer } from '#bots/services/answers'
import { performRequest, pick } from '#bots/services/http_request'
import { changeTag, setContactField } from '#bots/services/contact_fields'
import { resumeSession } from '#bots/jobs/resume_session'
import { countNodes } from '#bots/services/stats'
import { markBotHandled } from '#bots/services/conversation_status'

/** A flow that loops without waiting is cut off after this many nodes in one step. */
const MAX_NODES_PER_STEP = 100
const DEFAULT_RETRIES = 2
const DEFAULT_RETRY_TEXT = "Sorry, I didn't get that. Please try again."

export type StepInput = { kind: 'start' } | { kind: 'answer'; type: string; content: Record<string, unknown> } | { kind: 'wake' }

type BotSettings = Awaited<ReturnType<typeof botSettings>>

/** The plugin's settings a step needs. */
export async function botSettings(workspaceId: number) {
  const settings = await settingsOf(workspaceId, 'bots')
  const days = String(settings.businessDays ?? '1,2,3,4,5')
    .split(',')
    .map((day) => Number(day.trim()))
    .filter((day) => day >= 1 && day <= 7)
  return {
    idleMinutes: Number(settings.sessionIdleMinutes ?? 60) || 60,
    businessHours: { days, from: String(settings.businessHoursFrom ?? '09:00'), to: String(settings.businessHoursTo ?? '18:00') },
  }
}

/** One step in progress: the locked session and what it reads and collects. */
class Step {
  entered: string[] = []
  after: (() => Promise<unknown>)[] = []
  /** Messages to queue once the step committed, with the node that said each. */
  outbox: { nodeId: string | null; input: SendMessageInput }[] = []
  definition!: FlowDefinition
  byId!: Map<string, FlowNode>

  constructor(
    readonly trx: TransactionClientContract,
    readonly session: BotSession,
    /** Null in a test session. */
    readonly conversation: Conversation | null,
    readonly scope: Scope,
    readonly idleMinutes: number
  ) {}

  get test() {
    return this.conversation === null
  }

  /** What hooks carry: only customers' sessions are announced, so the conversation is there. */
  get ids() {
    return { workspaceId: this.session.workspaceId, sessionId: this.session.id, flowId: this.session.flowId, conversationId: this.session.conversationId! }
  }

  /** Hooks, counters, assignments: after the commit, for customers' sessions only. */
  announce(fire: () => Promise<unknown>) {
    if (!this.test) this.after.push(fire)
  }

  /** A line of a test session's transcript (a customer's session has its messages instead). */
  record(entry: DistributiveOmit<TestEntry, 'at'>) {
    const state = this.session.testState
    if (state) state.transcript.push({ ...entry, at: DateTime.now().toISO()! } as TestEntry)
  }

  async load(versionId: number) {
    const version = await FlowVersion.runnable(this.session.workspaceId, versionId, this.trx)
    if (!version) throw new Error(`bot session ${this.session.id}: version ${versionId} does not exist`)
    this.definition = version.definition
    this.byId = new Map(version.definition.nodes.map((node) => [node.id, node]))
  }

  /** `input`: the API's shape (`{ type, <type>: {...} }`), built here from a checked node. */
  send(input: { type: string } & Record<string, unknown>) {
    if (this.conversation) this.outbox.push({ nodeId: this.session.nodeId, input: input as unknown as SendMessageInput })
    else this.record({ dir: 'out', type: input.type, content: input[input.type] as Record<string, unknown> })
  }

  text(body: string) {
    return this.send({ type: 'text', text: { body: render(body, this.scope) } })
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** What executing a node leads to. */
type Outcome = { next: string | undefined } | { wait: 'answer' } | { wait: 'delay'; until: DateTime } | { end: 'completed' | 'handed_off' | 'failed'; error?: string }

/** Starts a flow's published (or given) version in a conversation; null when a live session holds it. */
export async function startSession(options: { flow: Flow; version: RunnableVersion; conversation: Conversation; trigger: string; variables?: Record<string, unknown> }) {
  const { flow, version, conversation } = options
  const settings = await botSettings(flow.workspaceId)
  const now = DateTime.now()
  const { rows } = await db.rawQuery(
    `insert into bot_sessions (workspace_id, flow_id, version_id, conversation_id, contact_id, status, node_id, variables, expires_at, trigger, retries, created_at, updated_at)
     values (?, ?, ?, ?, ?, 'active', ?, ?::jsonb, ?, ?, 0, ?, ?)
     on conflict (workspace_id, conversation_id) where status in ('active', 'paused', 'handed_off') do nothing
     returning id`,
    [
      flow.workspaceId,
      flow.id,
      version.id,
      conversation.id,
      conversation.contactId,
      version.definition.start,
      JSON.stringify(options.variables ?? {}),
      now.plus({ minutes: settings.idleMinutes }).toSQL(),
      options.trigger,
      now.toSQL(),
      now.toSQL(),
    ]
  )
  if (!rows.length) return null
  const sessionId = Number(rows[0].id)
  await hooks.emit('bot.sessionStarted', { workspaceId: flow.workspaceId, sessionId, flowId: flow.id, conversationId: conversation.id, trigger: options.trigger })
  await advance({ id: sessionId, workspaceId: flow.workspaceId }, { kind: 'start' }, settings)
  // After the first answer: every new session of a flow updates this one row.
  await db.from('bot_flows').where('id', flow.id).increment('sessions_started', 1)
  return sessionId
}

/** A session by id, or the live one of a conversation (a customer's answer: found and locked in one query). */
type Target = { workspaceId: number } & ({ id: number } | { conversationId: number })

/** What a step found under the lock: an active session, a paused or handed-off one, one past its idle time. */
export type Found = 'active' | 'held' | 'expired' | null

/**
 * Moves a session on: from its start, with the customer's answer, or when its delay is over.
 * An input the session is not waiting for (an answer during a delay, a late wake-up) changes
 * nothing. Returns the session as it was left (null when there is none). `known`: the
 * settings, when the caller has just read them.
 */
export async function advance(target: { id: number; workspaceId: number }, input: StepInput, known?: BotSettings) {
  return (await move(target, input, known)).session
}

/** A customer's message to the live session of their conversation, if any; a session past its idle time is left alone (`expired`). */
export function answerInConversation(workspaceId: number, conversationId: number, input: StepInput) {
  return move({ workspaceId, conversationId }, input)
}

async function move(target: Target, input: StepInput, known?: BotSettings) {
  const settings = known ?? (await botSettings(target.workspaceId))
  let step: Step | null = null
  let found: Found = null
  let delivered = true
  const session = await db.transaction(async (trx) => {
    const locked = await lockSession(trx, target)
    if (!locked) return null
    const { session } = locked
    if ('conversationId' in target && session.expiresAt <= DateTime.now()) {
      found = 'expired'
      return session
    }
    found = session.status === 'active' ? 'active' : 'held'
    if (session.status !== 'active') return session
    if (input.kind === 'answer' && session.waiting !== 'answer') return session
    if (input.kind === 'wake' && (session.waiting !== 'delay' || !session.wakeAt || session.wakeAt > DateTime.now())) return session
    if (input.kind === 'start' && session.waiting !== null) return session

    step = openStep(trx, locked, settings)
    await step.load(session.versionId)
    if (input.kind === 'answer') step.record({ dir: 'in', type: input.type, content: input.content })
    let nodeId: string | undefined | null = session.nodeId
    let outcome: Outcome | null = null
    const current = nodeId ? step.byId.get(nodeId) : undefined
    if (input.kind === 'answer' && current) outcome = await takeAnswer(step, current, answerOf(input.type, input.content))
    if (input.kind === 'wake' && current?.type === 'delay') outcome = { next: (current.data as NodeData<'delay'>).next }
    if (outcome && 'next' in outcome) nodeId = outcome.next
    if (outcome === null || 'next' in outcome) outcome = await run(step, nodeId)
    finish(step, outcome)
    if (step.conversation) delivered = await deliver(trx, session, step.conversation, step.scope.contact, step.outbox)
    await saveSession(trx, session)
    return session
  })
  const result = { session, found: found as Found }
  if (!step || !session) return result
  // Counted after the commit: in the step, every session at a node would queue on its counter's row lock.
  await recordEntries(step)
  if (!delivered) return result
  for (const fire of (step as Step).after) await fire()
  return result
}

/**
 * Queues the step's messages in order, in its transaction. A refusal (the 24-hour window closed
 * and no template) fails the session at the node that spoke (the messages before it stay
 * queued), and nothing of the step is announced.
 */
async function deliver(trx: TransactionClientContract, session: BotSession, conversation: Conversation, contact: Contact, outbox: Step['outbox']) {
  for (const { nodeId, input } of outbox) {
    try {
      // The contact as the step left it: sendMessage need not read it again.
      await sendMessage({ conversation, contact, input, author: { type: 'bot', id: session.flowId } }, trx)
    } catch (error) {
      if (!(error instanceof Refusal)) throw error
      session.merge({ status: 'failed', waiting: null, wakeAt: null, lastError: `node ${nodeId}: ${error.message}`, endedAt: DateTime.now() })
      return false
    }
  }
  return true
}

/**
 * The step's write: every column a step may change, whatever it changed, so that it is one
 * statement text, prepared (a model's save writes the changed columns only: a text per
 * combination, each planned on every run).
 */
async function saveSession(trx: TransactionClientContract, session: BotSession) {
  session.updatedAt = DateTime.now()
  await prepared(
    trx
      .from('bot_sessions')
      .where('id', session.id)
      .update({
        flow_id: session.flowId,
        version_id: session.versionId,
        status: session.status,
        node_id: session.nodeId,
        waiting: session.waiting,
        retries: session.retries,
        variables: JSON.stringify(session.variables),
        wake_at: session.wakeAt?.toSQL() ?? null,
        expires_at: session.expiresAt.toSQL(),
        last_error: session.lastError,
        test_state: session.testState ? JSON.stringify(session.testState) : null,
        ended_at: session.endedAt?.toSQL() ?? null,
        updated_at: session.updatedAt.toSQL(),
      }),
    'bots.save_session'
  )
  session.$hydrateOriginals()
}

/** A test session's pretend contact: a model never saved (contact_fields.ts writes rows only for saved ones). */
function testContact(session: BotSession, state: TestState) {
  return new Contact().merge({ workspaceId: session.workspaceId, ...state.contact })
}

/** A session under its lock, with what its step reads: the conversation, the channel's name, the time zone, the contact. */
type Locked = { session: BotSession; conversation: Conversation | null; contact: Contact | null; channelName: string | null; timezone: string | null }

const SESSION_COLUMNS = columnsOf(BotSession, 'bot_sessions')
/** As SQL, not bindings: the live-session index is partial on these statuses. */
const LIVE_SQL = `bot_sessions.status in (${LIVE_STATUSES.map((status) => `'${status}'`).join(', ')})`

/**
 * Locks the session (FOR UPDATE OF the session only) and reads what its step needs in the same
 * statement: one round trip instead of four. The joined rows come from the statement's snapshot,
 * taken before any wait for the lock; when the session changed meanwhile (another step of it
 * held the lock and committed: its row version is not the one the snapshot saw), that step may
 * have written the contact, so the statement runs again, now under the lock, and sees it.
 */
async function lockSession(trx: TransactionClientContract, target: Target, again = false): Promise<Locked | null> {
  const query = BotSession.query({ client: trx })
    .select(
      ...SESSION_COLUMNS,
      trx.raw('bot_sessions.xmin::text as locked_version'),
      trx.raw('(select seen.xmin::text from bot_sessions seen where seen.id = bot_sessions.id) as seen_version'),
      'workspaces.timezone as workspace_timezone',
      'channels.name as channel_name',
      trx.raw('to_jsonb(conversations) as conversation_row'),
      trx.raw('to_jsonb(contacts) as contact_row')
    )
    .join('workspaces', 'workspaces.id', 'bot_sessions.workspace_id')
    .joinRaw('left join conversations on conversations.workspace_id = bot_sessions.workspace_id and conversations.id = bot_sessions.conversation_id')
    .joinRaw('left join channels on channels.workspace_id = conversations.workspace_id and channels.id = conversations.channel_id')
    .joinRaw('left join contacts on contacts.workspace_id = bot_sessions.workspace_id and contacts.id = bot_sessions.contact_id')
    .where('bot_sessions.workspace_id', target.workspaceId)
  if ('id' in target) query.where('bot_sessions.id', target.id)
  else query.where('bot_sessions.conversation_id', target.conversationId).whereRaw(LIVE_SQL)
  const session = await prepared(query.forUpdate('bot_sessions'), 'bots.lock_session').first()
  if (!session) return null
  const extras = session.$extras
  if (!again && extras.locked_version !== extras.seen_version) return lockSession(trx, target, true)
  if (session.conversationId && !extras.conversation_row) throw new Error(`bot session ${session.id}: conversation ${session.conversationId} does not exist`)
  if (session.contactId && !extras.contact_row) throw new Error(`bot session ${session.id}: contact ${session.contactId} does not exist`)
  return {
    session,
    conversation: extras.conversation_row ? fromJson(Conversation, extras.conversation_row) : null,
    contact: extras.contact_row ? fromJson(Contact, extras.contact_row) : null,
    channelName: extras.channel_name ?? null,
    timezone: extras.workspace_timezone ?? null,
  }
}

/** A model from a row as `to_jsonb` gives it: its timestamps are ISO strings, which Lucid reads only in SQL's format. */
function fromJson<Model extends typeof Conversation | typeof Contact>(model: Model, row: Record<string, unknown>): InstanceType<Model> {
  for (const column of model.$columnsDefinitions.values()) {
    const value = row[column.columnName]
    if (column.meta?.type === 'datetime' && typeof value === 'string') row[column.columnName] = new Date(value)
  }
  return model.$createFromAdapterResult(row) as InstanceType<Model>
}

function openStep(trx: TransactionClientContract, locked: Locked, settings: BotSettings) {
  const { session, conversation } = locked
  const contact = session.testState ? testContact(session, session.testState) : locked.contact!
  const scope: Scope = {
    contact,
    variables: { ...session.variables },
    channel: conversation ? { id: conversation.channelId, name: locked.channelName! } : { id: 0, name: 'Test' },
    timezone: locked.timezone || 'UTC',
    businessHours: settings.businessHours,
  }
  return new Step(trx, session, conversation, scope, settings.idleMinutes)
}

/** Runs nodes from `nodeId` until one waits or ends the session. */
async function run(step: Step, nodeId: string | undefined | null): Promise<Outcome> {
  for (let count = 0; count < MAX_NODES_PER_STEP; count++) {
    // A missing exit (an optional one left empty) ends the flow.
    if (!nodeId) return { end: 'completed' }
    const node = step.byId.get(nodeId)
    if (!node) return { end: 'failed', error: `node ${nodeId} does not exist in this version` }
    step.session.nodeId = node.id
    step.session.retries = 0
    step.entered.push(node.id)
    const ids = { ...step.ids, nodeId: node.id, nodeType: node.type }
    step.announce(() => hooks.emit('bot.nodeEntered', ids))
    const outcome = await execute(step, node)
    if (!('next' in outcome)) return outcome
    nodeId = outcome.next
  }
  return { end: 'failed', error: `more than ${MAX_NODES_PER_STEP} nodes without waiting: a loop?` }
}

/** Sends a node's prompt (a question, buttons, a list). */
function ask(step: Step, node: FlowNode) {
  const { scope } = step
  if (node.type === 'question') return step.text((node.data as NodeData<'question'>).text)
  const data = node.data as NodeData<'buttons'> | NodeData<'list'>
  // What buttons and lists share: the header, the body and the footer around their choices.
  const frame = {
    ...(data.header ? { header: { type: 'text', text: render(data.header, scope) } } : {}),
    body: { text: render(data.text, scope) },
    ...(data.footer ? { footer: { text: render(data.footer, scope) } } : {}),
  }
  if (node.type === 'buttons') {
    const { buttons } = data as NodeData<'buttons'>
    return step.send({
      type: 'interactive',
      interactive: { type: 'button', ...frame, action: { buttons: buttons.map((button) => ({ type: 'reply', reply: { id: button.id, title: button.title } })) } },
    })
  }
  const { button, sections } = data as NodeData<'list'>
  return step.send({
    type: 'interactive',
    interactive: {
      type: 'list',
      ...frame,
      action: {
        button,
        sections: sections.map((section) => ({
          ...(section.title ? { title: section.title } : {}),
          rows: section.rows.map((row) => ({ id: row.id, title: row.title, ...(row.description ? { description: row.description } : {}) })),
        })),
      },
    },
  })
}

/** Saves a value where a node says (`vars.x` or `contact.<field>`). */
async function save(step: Step, saveTo: string | undefined, value: string | number) {
  if (!saveTo) return
  if (saveTo.startsWith('vars.')) step.scope.variables[saveTo.slice(5)] = value
  else await setContactField(step.scope.contact, saveTo.slice('contact.'.length), String(value), step.trx)
}

/** The customer answered the node the session waits on: its exit, or a retry, or the invalid exit. */
async function takeAnswer(step: Step, node: FlowNode, answer: Answer): Promise<Outcome> {
  const data = node.data as NodeData<'question'> | NodeData<'buttons'> | NodeData<'list'>
  if (node.type === 'question') {
    const value = parseAnswer(node.data as NodeData<'question'>, answer)
    if (value !== undefined) {
      await save(step, data.saveTo, value)
      return { next: (node.data as NodeData<'question'>).next }
    }
  } else {
    const options = node.type === 'buttons' ? (data as NodeData<'buttons'>).buttons : (data as NodeData<'list'>).sections.flatMap((section) => section.rows)
    const picked = pickOption(options, answer)
    if (picked) {
      await save(step, data.saveTo, picked.id)
      return { next: picked.next }
    }
  }
  const retries = step.session.retries + 1
  if (retries > (data.maxRetries ?? DEFAULT_RETRIES)) {
    // Out of retries: the invalid exit, or the end (run() treats a missing exit as the end).
    return { next: data.invalid }
  }
  step.session.retries = retries
  await step.text(data.retryText || DEFAULT_RETRY_TEXT)
  if (node.type !== 'question') await ask(step, node)
  return { wait: 'answer' }
}

async function execute(step: Step, node: FlowNode): Promise<Outcome> {
  const { scope, session } = step
  switch (node.type) {
    case 'message': {
      const data = node.data as NodeData<'message'>
      await sendContent(step, data)
      return { next: data.next }
    }
    case 'question':
    case 'buttons':
    case 'list':
      await ask(step, node)
      return { wait: 'answer' }
    case 'condition':
      return { next: chooseBranch(node.data as NodeData<'condition'>, scope) }
    case 'set_variable': {
      const data = node.data as NodeData<'set_variable'>
      scope.variables[data.variable] = render(data.value, scope)
      return { next: data.next }
    }
    case 'set_contact_field': {
      const data = node.data as NodeData<'set_contact_field'>
      await setContactField(scope.contact, data.field, render(data.value, scope), step.trx)
      return { next: data.next }
    }
    case 'tag': {
      const data = node.data as NodeData<'tag'>
      await changeTag(scope.contact, data.action, render(data.tag, scope), step.trx)
      return { next: data.next }
    }
    case 'http': {
      const data = node.data as NodeData<'http'>
      const outcome = await performRequest({
        method: data.method,
        url: render(data.url, scope),
        headers: Object.fromEntries(Object.entries(data.headers ?? {}).map(([key, value]) => [key, render(value, scope)])),
        body: data.body ? render(data.body, scope) : undefined,
        timeoutMs: data.timeoutMs ?? 5000,
      })
      if (!outcome.ok) {
        scope.variables.http_error = outcome.error
        return { next: data.error }
      }
      for (const { path, variable } of data.map ?? []) scope.variables[variable] = pick(outcome.json, path) ?? null
      return { next: data.next }
    }
    case 'delay':
      return { wait: 'delay', until: DateTime.now().plus({ seconds: (node.data as NodeData<'delay'>).seconds }) }
    case 'handoff':
      return handOff(step, node.data as NodeData<'handoff'>)
    case 'end': {
      const data = node.data as NodeData<'end'>
      if (data.message) await step.text(data.message)
      return { end: 'completed' }
    }
    case 'jump': {
      const data = node.data as NodeData<'jump'>
      const target = await FlowVersion.published({ id: data.flowId, workspaceId: session.workspaceId }, step.trx)
      if (!target) return { end: 'failed', error: `node ${node.id}: flow ${data.flowId} has no published version` }
      // The session goes on in the other flow: counted as completed here, started there.
      if (!step.test) {
        await bumpCounter(step, session.flowId, 'sessions_completed')
        await bumpCounter(step, target.flowId, 'sessions_started')
      }
      session.flowId = target.flowId
      session.versionId = target.id
      await step.load(target.id)
      return { next: target.definition.start }
    }
    case 'ab_split': {
      const data = node.data as NodeData<'ab_split'>
      let roll = Math.random() * 100
      for (const branch of data.branches) {
        roll -= branch.percent
        if (roll < 0) return { next: branch.next }
      }
      return { next: data.branches.at(-1)!.next }
    }
  }
}

/** A message node: its template outside the 24-hour window (or alone), else its text and media. */
async function sendContent(step: Step, data: NodeData<'message'>) {
  const { scope } = step
  // A test chat's window is open: the tester has just written.
  const windowOpen = step.conversation?.windowOpen ?? true
  if (data.template && (!windowOpen || (!data.text && !data.media))) {
    const params = (data.template.params ?? []).map((param) => ({ type: 'text', text: render(param, scope) }))
    await step.send({
      type: 'template',
      template: { name: data.template.name, language: { code: data.template.language }, components: params.length ? [{ type: 'body', parameters: params }] : [] },
    })
    return
  }
  if (data.text) await step.text(data.text)
  if (data.media) {
    const { type, link, caption, filename } = data.media
    const content = { link: render(link, scope), ...(caption ? { caption: render(caption, scope) } : {}), ...(filename && type === 'document' ? { filename } : {}) }
    await step.send({ type, [type]: content })
  }
}

/**
 * Gives the conversation to an agent (a member who may reply) and/or a team, and pauses the bot.
 * Teams are the inbox's: where it is on, `conversation.assign` writes and announces both; where
 * nobody answers, the agent is written here and the team only kept in `vars.handoff_team_id`.
 */
async function handOff(step: Step, data: NodeData<'handoff'>): Promise<Outcome> {
  const { session, conversation } = step
  if (data.message) await step.text(data.message)
  let assigneeId: number | null = null
  if (data.assigneeId) {
    const member = await step.trx
      .from('memberships')
      .where('workspace_id', session.workspaceId)
      .where('user_id', data.assigneeId)
      .whereIn('role', ['owner', 'admin', 'agent'])
      .first()
    if (member) assigneeId = data.assigneeId
  }
  const teamId = data.teamId ?? null
  if (teamId !== null) step.scope.variables.handoff_team_id = teamId
  step.record({ dir: 'event', event: 'handoff', detail: { assigneeId, teamId } })
  if (!conversation) return { end: 'handed_off' }
  const { workspaceId } = session
  // After the commit, on its own: inside the step it would hold the conversation's row, which
  // sendMessage (another connection) updates.
  step.announce(async () => {
    const wanted = { ...(assigneeId !== null ? { assigneeId } : {}), ...(teamId !== null ? { teamId } : {}) }
    const routed = Object.keys(wanted).length ? await hooks.ask('conversation.assign', { workspaceId, conversationId: conversation.id, ...wanted, actorId: null }) : undefined
    if (!routed && assigneeId !== null && conversation.assigneeId !== assigneeId) {
      await db.from('conversations').where('workspace_id', workspaceId).where('id', conversation.id).update({ assignee_id: assigneeId, updated_at: DateTime.now().toSQL() })
      await hooks.emit('conversation.assigned', { workspaceId, conversationId: conversation.id, assigneeId, previousAssigneeId: conversation.assigneeId, actorId: null })
    }
    await hooks.emit('bot.handoff', { ...step.ids, assigneeId, teamId: routed ? routed.teamId : teamId })
  })
  return { end: 'handed_off' }
}

function bumpCounter(step: Step, flowId: number, column: 'sessions_started' | 'sessions_completed' | 'sessions_handed_off') {
  return step.trx.from('bot_flows').where('id', flowId).increment(column, 1)
}

/** Writes the outcome into the session row (saved by the caller, in the step's transaction). */
function finish(step: Step, outcome: Outcome) {
  const { session } = step
  const now = DateTime.now()
  session.variables = step.scope.variables
  session.expiresAt = now.plus({ minutes: step.idleMinutes })
  if (session.testState) keepTestState(step, session.testState, outcome)
  const conversation = step.conversation
  const handled = 'wait' in outcome
  if (conversation && conversation.status === (handled ? 'open' : 'pending')) {
    step.announce(() => markBotHandled(session.workspaceId, conversation.id, handled))
  }
  if ('wait' in outcome) {
    session.waiting = outcome.wait
    session.wakeAt = outcome.wait === 'delay' ? outcome.until : null
    if (outcome.wait === 'delay') {
      // Idle time counts from the wake-up; the sweeper re-enqueues the job if Redis lost it.
      session.expiresAt = outcome.until.plus({ minutes: step.idleMinutes })
      const delay = Math.max(0, outcome.until.toMillis() - now.toMillis())
      step.after.push(() => scheduleWake(session, delay))
    }
    return
  }
  if (!('end' in outcome)) return
  session.waiting = null
  session.wakeAt = null
  session.status = outcome.end
  session.lastError = outcome.error ?? null
  if (outcome.end !== 'handed_off') session.endedAt = now
  if (outcome.end === 'completed') {
    step.announce(() => bumpFlow(session.flowId, 'sessions_completed'))
    step.announce(() => hooks.emit('bot.completed', step.ids))
  }
  if (outcome.end === 'handed_off') step.announce(() => bumpFlow(session.flowId, 'sessions_handed_off'))
}

/** A test session's row gets a new state object (so the model sees the change): path, contact, how it ended. */
function keepTestState(step: Step, state: TestState, outcome: Outcome) {
  if ('wait' in outcome && outcome.wait === 'delay') step.record({ dir: 'event', event: 'delay', detail: { until: outcome.until.toISO() } })
  if ('end' in outcome && outcome.end !== 'handed_off') step.record({ dir: 'event', event: outcome.end, detail: outcome.error ? { error: outcome.error } : {} })
  const { name, phone, locale, attributes } = step.scope.contact
  step.session.testState = { contact: { name, phone, locale, attributes: attributes ?? {} }, transcript: [...state.transcript], path: [...state.path, ...step.entered] }
}

function bumpFlow(flowId: number, column: 'sessions_completed' | 'sessions_handed_off') {
  return db.from('bot_flows').where('id', flowId).increment(column, 1)
}

/** The delayed job that wakes a session; its id makes the sweeper's re-enqueue a no-op while it waits. */
export function scheduleWake(session: { id: number; workspaceId: number; wakeAt: DateTime | null }, delay = 0) {
  return jobs.dispatch(
    resumeSession,
    { workspaceId: session.workspaceId, sessionId: session.id },
    { delay, jobId: `bots-wake-${session.id}-${session.wakeAt?.toMillis() ?? 0}`, removeOnComplete: true }
  )
}

/** The step's node entries (drop-off reads these). */
function recordEntries(step: Step) {
  if (step.test) return
  const { workspaceId, flowId } = step.session
  return countNodes(db.connection(), 'entered', step.entered.map((nodeId) => ({ workspaceId, flowId, nodeId })))
}
