import vine from '@vinejs/vine'

// Lower-casing only: normalizeEmail() would also drop dots from Gmail addresses and so
// change which account an address names.
const email = () => vine.string().trim().email().toLowerCase().maxLength(254)
const newPassword = () => vine.string().minLength(8).maxLength(128)

export const signupValidator = vine.compile(
  vine.object({
    fullName: vine.string().trim().minLength(2).maxLength(120),
    email: email().unique(async (db, value) => !(await db.from('users').where('email', value).first())),
    password: newPassword(),
    organizationName: vine.string().trim().minLength(2).maxLength(120),
  })
)

export const loginValidator = vine.compile(
  vine.object({
    email: email(),
    password: vine.string().maxLength(128),
  })
)

export const forgotPasswordValidator = vine.compile(vine.object({ email: email() }))

export const resetPasswordValidator = vine.compile(
  vine.object({
    password: newPassword().confirmed({ confirmationField: 'passwordConfirmation' }),
  })
)

export const twoFactorCodeValidator = vine.compile(
  vine.object({
    // A 6-digit TOTP code, or a recovery code like "abcd-efgh-ijkl".
    code: vine.string().trim().minLength(6).maxLength(20),
  })
)

export const acceptInvitationValidator = vine.compile(
  vine.object({
    fullName: vine.string().trim().minLength(2).maxLength(120).optional(),
    password: newPassword().optional(),
  })
)
