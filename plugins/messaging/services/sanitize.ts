/**
 * PostgreSQL text and jsonb cannot hold U+0000, which JSON can ("\u0000"). Webhooks are
 * untrusted input: the character is dropped from every string before anything is stored, so a
 * hostile or broken payload cannot make its event fail forever.
 */
export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '') as T
  if (Array.isArray(value)) return value.map(withoutNul) as T
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [withoutNul(key), withoutNul(item)])) as T
  }
  return value
}
