/**
 * The hook catalogue: every hook's name, kind and payload, as one TypeScript interface that
 * plugins extend by declaration merging:
 *
 *   declare module '#hooks/catalogue' {
 *     interface HookCatalogue {
 *       'message.received': ActionHook<{ workspaceId: number; messageId: number }>
 *       'message.beforeSend': FilterHook<OutgoingMessage, { workspaceId: number; conversationId: number }>
 *       'webhook.received': Keyed<BailHook<{ workspaceId: number | null; body: unknown }, { status: number }>>
 *     }
 *   }
 *
 * and, at runtime, `hooks.define(name, { kind, description, ... })` (the type checks that the
 * kind matches the entry), so the bus knows each hook's kind and policy and can list them.
 *
 * Kinds: `action` (AsyncSeriesHook: taps run one after the other, by stage), `parallel`
 * (AsyncParallelHook), `filter` (AsyncSeriesWaterfallHook: each tap may change the value or
 * cancel), `bail` (AsyncSeriesBailHook: the first tap that answers wins). `Keyed<…>` makes a
 * family of hooks (tapable HookMap) tapped and emitted as `<name>:<key>`, e.g.
 * `webhook.received:whatsapp-cloud`.
 *
 * Every payload (and every filter's context) carries `workspaceId`: the workspace the event
 * concerns, or null for instance-wide events. A plugin's taps run only where it is enabled.
 */
import type { Role } from '#access/roles'

/** What every payload carries: the workspace it concerns (null: instance-wide). */
export interface Scoped {
  workspaceId: number | null
}

/** Taps run in series, in stage order; a tap's error never stops the others. */
export interface ActionHook<P extends Scoped> {
  kind: 'action'
  payload: P
}

/** Taps run concurrently; a tap's error never stops the others. */
export interface ParallelHook<P extends Scoped> {
  kind: 'parallel'
  payload: P
}

/** Taps run in series and may return a changed value (or nothing: unchanged) or `cancel(reason)`. */
export interface FilterHook<V, C extends Scoped> {
  kind: 'filter'
  value: V
  context: C
}

/** Taps run in series until one answers (returns anything but undefined); later taps do not run. */
export interface BailHook<P extends Scoped, A> {
  kind: 'bail'
  payload: P
  answer: A
}

export type AnyHook = ActionHook<any> | ParallelHook<any> | FilterHook<any, any> | BailHook<any, any>

/** A family of hooks of one kind, one per key (tapable HookMap): `<name>:<key>`. */
export interface Keyed<H extends AnyHook> {
  kind: H['kind']
  keyed: H
}

export type HookKind = AnyHook['kind']

/** When a filter tap fails (throws or misses its deadline): skip it and go on, or stop the operation. */
export type FilterPolicy = 'continue' | 'stop'

/* ------------------------------------------------------------------ core events */

/** The core's own events; plugins add theirs to `HookCatalogue`. */
export interface CoreHookCatalogue {
  'workspace.created': ActionHook<{ workspaceId: number; organizationId: number; name: string; slug: string; createdById: number | null }>
  'member.joined': ActionHook<{ workspaceId: number; userId: number; role: Role; invitedById: number | null }>
  'member.removed': ActionHook<{ workspaceId: number; userId: number; removedById: number | null }>
  'member.roleChanged': ActionHook<{ workspaceId: number; userId: number; from: Role; to: Role; changedById: number | null }>
  'user.loggedIn': ActionHook<{ workspaceId: null; userId: number; twoFactor: boolean }>
  'token.created': ActionHook<{ workspaceId: number; tokenId: number; userId: number; name: string; abilities: string[] }>
}

export interface HookCatalogue extends CoreHookCatalogue {}

/** The runtime half of the core entries above (`hooks` defines them when it is created). */
export const coreHooks = {
  'workspace.created': { kind: 'action', description: 'A workspace was created (sign-up or by an organization admin).' },
  'member.joined': { kind: 'action', description: 'A user became a member of a workspace (invitation accepted or added).' },
  'member.removed': { kind: 'action', description: 'A member left or was removed from a workspace.' },
  'member.roleChanged': { kind: 'action', description: "A member's workspace role changed." },
  'user.loggedIn': { kind: 'action', description: 'A user signed in (after two-factor, when enabled). Instance-wide: workspaceId is null.' },
  'token.created': { kind: 'action', description: 'An API token was issued for a workspace.' },
} as const satisfies { [N in keyof CoreHookCatalogue]: { kind: CoreHookCatalogue[N]['kind']; description: string } }
