/**
 * Dates for pages, through Intl formatters kept per (language, time zone, style): building one
 * is costly (luxon builds one per call), and a list or a thread formats dozens per page.
 */
export const DATE_STYLES = {
  time: { hour: 'numeric', minute: 'numeric' },
  date: { year: 'numeric', month: 'numeric', day: 'numeric' },
  dateTime: { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' },
  medium: { dateStyle: 'medium', timeStyle: 'short' },
  full: { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: 'numeric' },
  // Only to compare calendar days in a zone.
  day: { year: 'numeric', month: '2-digit', day: '2-digit' },
} satisfies Record<string, Intl.DateTimeFormatOptions>

export type DateStyle = keyof typeof DATE_STYLES

const formatters = new Map<string, Intl.DateTimeFormat>()

/** `at` in `style`, in `locale` and `timeZone` (undefined: the process's zone). */
export function formatDate(at: Date, style: DateStyle, locale: string, timeZone?: string) {
  const key = `${locale}|${timeZone ?? ''}|${style}`
  let formatter = formatters.get(key)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, { ...DATE_STYLES[style], timeZone })
    formatters.set(key, formatter)
  }
  return formatter.format(at)
}
