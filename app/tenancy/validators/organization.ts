import vine from '@vinejs/vine'

export const brandingValidator = vine.compile(
  vine.object({
    productName: vine.string().trim().maxLength(80).optional(),
    primaryColor: vine.string().trim().hexCode().optional(),
    customDomain: vine
      .string()
      .trim()
      .toLowerCase()
      .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/)
      .optional(),
    mailFooter: vine.string().trim().maxLength(500).optional(),
    requireTwoFactor: vine.boolean().optional(),
    logo: vine.file({ size: '1mb', extnames: ['png', 'jpg', 'jpeg', 'svg', 'webp'] }).optional(),
    favicon: vine.file({ size: '256kb', extnames: ['png', 'ico', 'svg'] }).optional(),
  })
)
