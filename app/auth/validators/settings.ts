import vine from '@vinejs/vine'

export const profileValidator = vine.compile(
  vine.object({
    fullName: vine.string().trim().minLength(2).maxLength(120),
    locale: vine.enum(['en', 'ru']),
  })
)

export const themeValidator = vine.compile(
  vine.object({
    theme: vine.enum(['light', 'dark', 'system']),
  })
)

export const changePasswordValidator = vine.compile(
  vine.object({
    currentPassword: vine.string().maxLength(128),
    password: vine.string().minLength(8).maxLength(128).confirmed({ confirmationField: 'passwordConfirmation' }),
  })
)

export const enableTwoFactorValidator = vine.compile(
  vine.object({
    code: vine.string().trim().regex(/^\d{6}$/),
  })
)

export const confirmPasswordValidator = vine.compile(
  vine.object({
    currentPassword: vine.string().maxLength(128),
  })
)
