/**
 * Typed declarations of `switchboard:api`, the only module a marketplace script may import
 * (docs/marketplace-authoring.md). Only the capabilities your manifest requests, and the admin
 * granted, are exported at run time: importing another one fails to load.
 * Every call crosses into the host: values are copied as JSON (at most 1 MB), and each call counts
 * against the call's CPU, wall-clock and sub-request limits.
 */
declare module 'switchboard:api' {
  type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

  /** capabilities.log: a line in the installation's log (shown on its page). Parts are joined with spaces. */
  export function log(...parts: unknown[]): void

  /** capabilities.settings: the admin's value of a setting your manifest declares (or its default). */
  export const settings: {
    get(key: string): Promise<string | number | boolean | null>
  }

  /** capabilities.kv: per (workspace, package) storage within `quotaBytes` (keys + JSON values). */
  export const kv: {
    /** The stored value's JSON text, or null: `JSON.parse(await kv.get('k') ?? 'null')`. */
    get(key: string): Promise<string | null>
    /** Throws when the quota would be exceeded. */
    set(key: string, value: Json): Promise<void>
    delete(key: string): Promise<void>
  }

  export interface Contact {
    id: number
    name: string
    phone: string
    email: string | null
    locale: string | null
    tags: string[]
  }

  /** capabilities.records: contacts of the installing workspace only ("read" and/or "tag"). */
  export const records: {
    contacts: {
      /** "read": the contact, or null when the workspace has no such contact. */
      get(id: number): Promise<Contact | null>
      /** "tag": adds a tag by name (created if missing); false when it was there already. */
      addTag(id: number, tag: string): Promise<boolean>
      /** "tag": removes a tag by name; false when it was not there. */
      removeTag(id: number, tag: string): Promise<boolean>
    }
  }

  /** capabilities.messages.send: a text in a conversation of the workspace, through the normal outbound pipeline. */
  export const messages: {
    /** Refused (throws) outside the 24-hour window, for a blocked contact, or another workspace's conversation. */
    send(conversationId: number, text: string): Promise<{ id: number }>
  }

  export interface FetchInit {
    method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
    headers?: Record<string, string>
    /** Header templates filled on the host with the installation's secrets: `{ Authorization: 'Bearer {API_KEY}' }`. */
    secretHeaders?: Record<string, string>
    /** A string, or JSON (serialized for you). */
    body?: string | Json
  }

  export interface FetchResponse {
    status: number
    headers: Record<string, string>
    body: string
  }

  /** capabilities.http: only the declared origins and methods; private and loopback addresses are refused. */
  export const http: {
    fetch(url: string, init?: FetchInit): Promise<FetchResponse>
  }

  /** capabilities.sleep: waits up to the manifest's `maxMs` (counted in the call's wall-clock limit). */
  export function sleep(ms: number): Promise<void>

  /** What a filter handler's `return cancel(reason)` gives back: the operation stops with `reason`. */
  export interface Cancel {
    $cancel: string
  }

  /**
   * For filter hooks (`message.beforeSend`), always available: `return cancel('Outside opening
   * hours')` stops the operation (the message is not sent; the reason is shown to its sender).
   */
  export function cancel(reason: string): Cancel

  /** An outbound message before it is queued (`message.beforeSend`'s value). */
  export interface OutgoingDraft {
    type: string
    /** For a text: `{ body, preview_url? }`; other types as the Cloud API shapes them. */
    content: Record<string, Json>
  }

  /** `message.beforeSend`'s context: where the message goes and who wrote it. */
  export interface BeforeSendContext {
    workspaceId: number
    conversationId: number
    channelId: number
    contactId: number
    authorType: 'agent' | 'bot' | 'contact' | 'campaign' | 'plugin'
  }

  /** `message.claim`'s payload: a stored customer message looking for an automatic handler (`firstMessage`: it created the contact). */
  export type InboundClaim = { workspaceId: number; messageId: number; conversationId: number; contactId: number; channelId: number; type: string; content: Record<string, Json>; firstMessage: boolean }

  /**
   * Handlers by hook name (the script's default export). Action hooks: the result is ignored.
   * `message.beforeSend` (filter): nothing leaves the message unchanged; a text draft with a new
   * `content.body` rewrites it (only a text's body may change); `cancel(reason)` stops it.
   * `message.claim` (bail): `true` takes the message (bots and later handlers skip it); nothing leaves it.
   * A throw, a timeout or another result is a fault and the message goes on unchanged.
   */
  export interface Handlers {
    'message.beforeSend'?(draft: OutgoingDraft, context: BeforeSendContext): OutgoingDraft | Cancel | void | Promise<OutgoingDraft | Cancel | void>
    'message.claim'?(claim: InboundClaim): boolean | void | Promise<boolean | void>
    [hook: string]: ((...args: any[]) => unknown) | undefined
  }
}
