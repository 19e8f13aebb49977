import AuditLog from '#audit/audit_log'
import User from '#auth/models/user'

/**
 * Makes an account an operator of the instance, or takes that back (from the shell only: no
 * page can grant it). Audited instance-wide. Null: no account has that e-mail.
 */
export async function setOperator(email: string, operator: boolean) {
  const user = await User.findBy('email', email.trim().toLowerCase())
  if (!user) return null
  user.isOperator = operator
  await user.save()
  await AuditLog.record({ action: operator ? 'operator.granted' : 'operator.revoked', meta: { userId: user.id, email: user.email } })
  return user
}
