import vine from '@vinejs/vine'

/** Import a flow's JSON: pasted, or a .json file (its graph is checked by services/flow_schema.ts). */
export const importFlowValidator = vine.compile(
  vine.object({
    name: vine.string().trim().maxLength(120).optional(),
    json: vine.string().trim().maxLength(1_000_000).optional().requiredIfMissing('file'),
    file: vine.file({ size: '1mb', extnames: ['json'] }).optional(),
  })
)

/** Switch a flow's triggers on or off. */
export const flowEnabledValidator = vine.compile(vine.object({ enabled: vine.boolean() }))

/** The flows list's page. */
export const flowListValidator = vine.compile(vine.object({ page: vine.number().withoutDecimals().min(1).max(100_000).optional() }))

/** Start a flow in a conversation (API): `variables` become `{{vars.*}}` (flat, ≤ 50). */
export const startSessionValidator = vine.compile(
  vine.object({
    flowId: vine.number().positive().withoutDecimals(),
    conversationId: vine.number().positive().withoutDecimals(),
    variables: vine
      .record(vine.union([vine.union.if((value) => typeof value === 'number', vine.number()), vine.union.else(vine.string().maxLength(1000))]))
      .maxLength(50)
      .optional(),
  })
)

/** A new, empty flow (opened in the editor), or a flow's new name. */
export const flowNameValidator = vine.compile(vine.object({ name: vine.string().trim().minLength(1).maxLength(120) }))

/** The editor's save: the flow's JSON as text, checked like an import. */
export const saveDraftValidator = vine.compile(vine.object({ json: vine.string().maxLength(1_000_000) }))

/** The test chat: the tester writes, or taps a button or a list row. */
export const testAnswerValidator = vine.compile(
  vine.object({
    text: vine.string().trim().minLength(1).maxLength(4096).optional().requiredIfMissing('reply'),
    reply: vine.object({ id: vine.string().maxLength(256), title: vine.string().maxLength(24), kind: vine.enum(['button', 'list']) }).optional(),
  })
)

/** API: the flows' page. */
export const apiFlowListValidator = vine.compile(
  vine.object({ page: vine.number().withoutDecimals().min(1).max(100_000).optional(), perPage: vine.number().withoutDecimals().min(1).max(100).optional() })
)

/** API: a flow's document (docs/bot-flow-schema.md) as JSON, checked node by node by services/flow_schema.ts. */
const flowDocument = () => vine.object({}).allowUnknownProperties()

/** API: a new flow from a document; `name` when the document has none (or to rename it). */
export const apiImportValidator = vine.compile(vine.object({ name: vine.string().trim().minLength(1).maxLength(120).optional(), document: flowDocument() }))

/** API: the document becomes the flow's draft. */
export const apiDraftValidator = vine.compile(vine.object({ document: flowDocument() }))

/** API: which version to export (an id of the flow's). */
export const apiExportValidator = vine.compile(vine.object({ version: vine.number().positive().withoutDecimals().max(Number.MAX_SAFE_INTEGER).optional() }))
