import vine from '@vinejs/vine'

const timezones = Intl.supportedValuesOf('timeZone').concat('UTC')

export const updateWorkspaceValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(2).maxLength(120),
    timezone: vine.string().in(timezones),
    locale: vine.enum(['en', 'ru']),
  })
)

export const createWorkspaceValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(2).maxLength(120),
  })
)

export { timezones }
