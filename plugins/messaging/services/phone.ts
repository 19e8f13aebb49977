import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js'

/**
 * A phone number in E.164 ("+79001234567"), or null when it is not a possible number.
 * Numbers without a country code are read in `defaultCountry`; WhatsApp ids (digits only,
 * country code included) are accepted as they are.
 */
export function toE164(raw: string, defaultCountry?: CountryCode): string | null {
  const cleaned = raw.trim()
  if (!cleaned) return null
  const international = /^\d{8,15}$/.test(cleaned) && !defaultCountry ? `+${cleaned}` : cleaned
  const parsed = parsePhoneNumberFromString(international, defaultCountry)
  return parsed && parsed.isPossible() ? parsed.number : null
}

/** WhatsApp's id for a number: its E.164 digits without "+". */
export function waIdOf(e164: string) {
  return e164.replace(/^\+/, '')
}
