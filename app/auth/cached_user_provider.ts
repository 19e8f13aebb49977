/**
 * The auth guards' user providers, reading the signed-in user from the process cache
 * (User.findCached) instead of a query per request. Any provider with Lucid's
 * findById/createUserForGuard pair works: the session one and the access tokens one.
 */
interface LucidUserProvider<Guarded> {
  findById(identifier: string | number | BigInt): Promise<Guarded | null>
  createUserForGuard(user: any): Promise<Guarded>
}

// Lazily, once: config/auth.ts is read before models may be imported, and an `import()` on
// every request still resolves the specifier again.
let userModel: Promise<typeof import('#auth/models/user')> | undefined

export function readingCachedUsers<Guarded, P extends LucidUserProvider<Guarded>>(provider: P): P {
  provider.findById = async (identifier) => {
    const { default: User } = await (userModel ??= import('#auth/models/user'))
    const user = await User.findCached(Number(identifier))
    return user ? provider.createUserForGuard(user) : null
  }
  return provider
}
