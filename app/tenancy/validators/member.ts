import vine from '@vinejs/vine'
import { ROLES } from '#access/roles'

export const inviteMemberValidator = vine.compile(
  vine.object({
    email: vine.string().trim().email().toLowerCase().maxLength(254),
    role: vine.enum(ROLES),
  })
)

export const changeRoleValidator = vine.compile(
  vine.object({
    role: vine.enum(ROLES),
  })
)
