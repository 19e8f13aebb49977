import { randomBytes } from 'node:crypto'
import { authenticator } from 'otplib'
import QRCode from 'qrcode'
import encryption from '@adonisjs/core/services/encryption'
import { DateTime } from 'luxon'
import type User from '#auth/models/user'

// Accept the previous and next 30-second step too: phones' clocks drift.
authenticator.options = { window: 1 }

const RECOVERY_CODE_COUNT = 8

export function newSecret() {
  return authenticator.generateSecret()
}

/** The otpauth:// URI and its QR code (a data: URL) for an authenticator app. */
export async function enrolmentQr(user: User, secret: string, issuer: string) {
  const uri = authenticator.keyuri(user.email, issuer, secret)
  return { uri, qr: await QRCode.toDataURL(uri, { margin: 1, width: 220 }) }
}

export function verifyTotp(secret: string, code: string) {
  return authenticator.check(code.replace(/\s+/g, ''), secret)
}

function newRecoveryCodes() {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    randomBytes(6).toString('hex').replace(/(.{4})(.{4})(.{4})/, '$1-$2-$3')
  )
}

/** Turns 2FA on with a secret the user proved they hold; returns the recovery codes to show once. */
export async function enableTwoFactor(user: User, secret: string) {
  const codes = newRecoveryCodes()
  user.twoFactorSecret = encryption.encrypt(secret)
  user.twoFactorRecoveryCodes = encryption.encrypt(codes)
  user.twoFactorEnabledAt = DateTime.now()
  await user.save()
  return codes
}

export async function disableTwoFactor(user: User) {
  user.twoFactorSecret = null
  user.twoFactorRecoveryCodes = null
  user.twoFactorEnabledAt = null
  await user.save()
}

export async function regenerateRecoveryCodes(user: User) {
  const codes = newRecoveryCodes()
  user.twoFactorRecoveryCodes = encryption.encrypt(codes)
  await user.save()
  return codes
}

/**
 * Checks a sign-in code: a current TOTP code, or an unused recovery code (which is
 * then spent). Returns how the user got in, or null.
 */
export async function verifySecondFactor(user: User, code: string): Promise<'totp' | 'recovery' | null> {
  if (!user.twoFactorSecret) return null
  const secret = encryption.decrypt<string>(user.twoFactorSecret)
  if (secret && /^\d{6}$/.test(code.replace(/\s+/g, '')) && verifyTotp(secret, code)) return 'totp'

  const codes = encryption.decrypt<string[]>(user.twoFactorRecoveryCodes ?? '') ?? []
  const normalised = code.trim().toLowerCase()
  if (!codes.includes(normalised)) return null
  user.twoFactorRecoveryCodes = encryption.encrypt(codes.filter((c) => c !== normalised))
  await user.save()
  return 'recovery'
}

export function remainingRecoveryCodes(user: User) {
  return (encryption.decrypt<string[]>(user.twoFactorRecoveryCodes ?? '') ?? []).length
}
