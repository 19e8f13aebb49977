/*
| Routes. Every route is named and its controller lazily imported. Browser routes sit in the
| group that applies `web()` (session, CSRF, brand, language); workspace pages under
| /w/:workspace (resolved and authorized by the `workspace` middleware); the public API under
| /api/v1 (personal tokens bound to one workspace, no session).
*/
import router from '@adonisjs/core/services/router'
import app from '@adonisjs/core/services/app'
import transmit from '@adonisjs/transmit/services/main'
import { middleware, web } from '#start/kernel'
import { mountPluginRoutes } from '#plugins/routes'
import { installedPlugins } from '#plugins/installed'
import { apiDocs } from '#core/api_docs'
import { marketplaceApiDocs } from '#marketplace/openapi'

const HealthController = () => import('#core/health_controller')
const HomeController = () => import('#tenancy/controllers/home_controller')
const SignupController = () => import('#auth/controllers/signup_controller')
const LoginController = () => import('#auth/controllers/login_controller')
const PasswordResetController = () => import('#auth/controllers/password_reset_controller')
const EmailVerificationController = () => import('#auth/controllers/email_verification_controller')
const InvitationsController = () => import('#tenancy/controllers/invitations_controller')
const ProfileController = () => import('#auth/controllers/profile_controller')
const SecurityController = () => import('#auth/controllers/security_controller')
const TwoFactorController = () => import('#auth/controllers/two_factor_controller')
const NotificationsController = () => import('#notifications/notifications_controller')
const DashboardController = () => import('#tenancy/controllers/dashboard_controller')
const WorkspaceSettingsController = () => import('#tenancy/controllers/workspace_settings_controller')
const WorkspacesController = () => import('#tenancy/controllers/workspaces_controller')
const MembersController = () => import('#tenancy/controllers/members_controller')
const ApiTokensController = () => import('#auth/controllers/api_tokens_controller')
const AuditLogController = () => import('#audit/audit_log_controller')
const BrandingController = () => import('#tenancy/controllers/branding_controller')
const FailedJobsController = () => import('#jobs/failed_jobs_controller')
const PluginsController = () => import('#plugins/plugins_controller')
const HookDiagnosticsController = () => import('#hooks/diagnostics_controller')
const ApiWorkspaceController = () => import('#tenancy/controllers/api_workspace_controller')
const OpenApiController = () => import('#core/openapi_controller')
const MarketplaceController = () => import('#marketplace/controllers/marketplace_controller')
const TrustedKeysController = () => import('#marketplace/controllers/trusted_keys_controller')
const MarketplaceLimitsController = () => import('#marketplace/controllers/limits_controller')
const ApiMarketplaceController = () => import('#marketplace/controllers/api_marketplace_controller')
const RegistryController = () => import('#marketplace/controllers/registry_controller')
const OperatorMarketplaceController = () => import('#marketplace/controllers/operator_marketplace_controller')

router.get('/health', [HealthController, 'show']).as('health')
router.get('/health/live', [HealthController, 'live']).as('health.live')
router
  .group(() => {
    router.get('/', [HomeController, 'show']).as('home')
    router.get('/branding/:organization/:file', [BrandingController, 'asset']).as('branding.asset')

    /* Signing in and out */
    router
      .group(() => {
        router.get('/signup', [SignupController, 'show']).as('auth.signup.show')
        router.post('/signup', [SignupController, 'store']).as('auth.signup.store')
        router.get('/login', [LoginController, 'show']).as('auth.login.show')
        router.post('/login', [LoginController, 'store']).as('auth.login.store')
        router.get('/login/two-factor', [LoginController, 'showChallenge']).as('auth.two_factor_challenge.show')
        router.post('/login/two-factor', [LoginController, 'verifyChallenge']).as('auth.two_factor_challenge.store')
        router.get('/forgot-password', [PasswordResetController, 'showForgot']).as('auth.forgot_password.show')
        router.post('/forgot-password', [PasswordResetController, 'sendLink']).as('auth.forgot_password.store')
      })
      .use(middleware.guest())

    router.get('/reset-password/:token', [PasswordResetController, 'show']).as('auth.reset_password.show')
    router.post('/reset-password/:token', [PasswordResetController, 'update']).as('auth.reset_password.update')
    router.get('/verify-email/:token', [EmailVerificationController, 'verify']).as('auth.verify_email')
    router.get('/invitations/:token', [InvitationsController, 'show']).as('invitations.show')
    router.post('/invitations/:token', [InvitationsController, 'accept']).as('invitations.accept')

    /* The signed-in user's own settings (not tied to a workspace) */
    router
      .group(() => {
        router.post('/logout', [LoginController, 'destroy']).as('auth.logout')
        router.post('/verify-email', [EmailVerificationController, 'resend']).as('auth.verify_email.resend')
        router.get('/settings/profile', [ProfileController, 'show']).as('settings.profile.show')
        router.put('/settings/profile', [ProfileController, 'update']).as('settings.profile.update')
        router.put('/settings/theme', [ProfileController, 'updateTheme']).as('settings.theme.update')
        router.get('/settings/security', [SecurityController, 'show']).as('settings.security.show')
        router.put('/settings/security/password', [SecurityController, 'updatePassword']).as('settings.password.update')
        router.delete('/settings/sessions/:id', [SecurityController, 'revokeSession']).as('settings.sessions.destroy')
        router.get('/settings/two-factor', [TwoFactorController, 'create']).as('settings.two_factor.create')
        router.post('/settings/two-factor', [TwoFactorController, 'store']).as('settings.two_factor.store')
        router.post('/settings/two-factor/recovery-codes', [TwoFactorController, 'regenerate']).as('settings.two_factor.recovery_codes')
        router.delete('/settings/two-factor', [TwoFactorController, 'destroy']).as('settings.two_factor.destroy')
        router.get('/notifications', [NotificationsController, 'index']).as('notifications.index')
        router.get('/workspaces/switcher', [WorkspacesController, 'switcher']).as('workspaces.switcher')
        router.post('/notifications/read', [NotificationsController, 'markAllRead']).as('notifications.read')
      })
      .use(middleware.auth())

    /* The instance operator (users.is_operator, granted with `node ace operator:grant`) */
    router
      .group(() => {
        router.get('/marketplace', [OperatorMarketplaceController, 'index']).as('marketplace.index')
        router.post('/marketplace/:package/block', [OperatorMarketplaceController, 'block']).as('marketplace.block')
        router.post('/marketplace/:package/unblock', [OperatorMarketplaceController, 'unblock']).as('marketplace.unblock')
      })
      .prefix('/operator')
      .as('operator')
      .use([middleware.auth(), middleware.operator()])

    /* A workspace: /w/:workspace/... */
    router
      .group(() => {
        router.get('/', [DashboardController, 'show']).as('dashboard')
        router.get('/settings', [WorkspaceSettingsController, 'show']).as('settings.show').use(middleware.can('workspace.update'))
        router.put('/settings', [WorkspaceSettingsController, 'update']).as('settings.update').use(middleware.can('workspace.update'))

        router.get('/members', [MembersController, 'index']).as('members.index').use(middleware.can('members.view'))
        router.post('/invitations', [MembersController, 'invite']).as('invitations.store').use(middleware.can('members.manage'))
        router.delete('/invitations/:id', [MembersController, 'revokeInvitation']).as('invitations.destroy').use(middleware.can('members.manage'))
        router.put('/members/:id', [MembersController, 'updateRole']).as('members.update').use(middleware.can('members.manage'))
        router.delete('/members/:id', [MembersController, 'destroy']).as('members.destroy').use(middleware.can('members.manage'))

        router.get('/api-tokens', [ApiTokensController, 'index']).as('api_tokens.index').use(middleware.can('tokens.manage'))
        router.post('/api-tokens', [ApiTokensController, 'store']).as('api_tokens.store').use(middleware.can('tokens.manage'))
        router.delete('/api-tokens/:id', [ApiTokensController, 'destroy']).as('api_tokens.destroy').use(middleware.can('tokens.manage'))

        router.get('/audit', [AuditLogController, 'index']).as('audit.index').use(middleware.can('audit.view'))

        router.post('/workspaces', [WorkspacesController, 'store']).as('workspaces.store').use(middleware.can('organization.manage'))
        router.get('/branding', [BrandingController, 'show']).as('branding.show').use(middleware.can('organization.manage'))
        router.put('/branding', [BrandingController, 'update']).as('branding.update').use(middleware.can('organization.manage'))

        router.get('/plugins', [PluginsController, 'index']).as('plugins.index').use(middleware.can('plugins.manage'))
        router.post('/plugins/:plugin/enable', [PluginsController, 'enable']).as('plugins.enable').use(middleware.can('plugins.manage'))
        router.post('/plugins/:plugin/disable', [PluginsController, 'disable']).as('plugins.disable').use(middleware.can('plugins.manage'))
        router.get('/plugins/:plugin/settings', [PluginsController, 'editSettings']).as('plugins.settings').use(middleware.can('plugins.manage'))
        router.put('/plugins/:plugin/settings', [PluginsController, 'updateSettings']).as('plugins.settings.update').use(middleware.can('plugins.manage'))
        router.get('/plugins/:plugin/data', [PluginsController, 'exportData']).as('plugins.data.export').use(middleware.can('plugins.manage'))
        router.delete('/plugins/:plugin/data', [PluginsController, 'removeData']).as('plugins.data.destroy').use(middleware.can('plugins.manage'))
        router.put('/plugins/:plugin/policy', [PluginsController, 'updatePolicy']).as('plugins.policy').use(middleware.can('organization.manage'))
        router.get('/marketplace', [MarketplaceController, 'index']).as('marketplace.index').use(middleware.can('marketplace.manage'))
        router.get('/marketplace/keys', [TrustedKeysController, 'index']).as('marketplace.keys.index').use(middleware.can('organization.manage'))
        router.post('/marketplace/keys', [TrustedKeysController, 'store']).as('marketplace.keys.store').use(middleware.can('organization.manage'))
        router.delete('/marketplace/keys/:id', [TrustedKeysController, 'destroy']).as('marketplace.keys.destroy').use(middleware.can('organization.manage'))
        router.get('/marketplace/limits', [MarketplaceLimitsController, 'show']).as('marketplace.limits.show').use(middleware.can('organization.manage'))
        router.put('/marketplace/limits', [MarketplaceLimitsController, 'update']).as('marketplace.limits.update').use(middleware.can('organization.manage'))
        router.get('/marketplace/:package', [MarketplaceController, 'show']).as('marketplace.show').use(middleware.can('marketplace.manage'))
        router.get('/marketplace/:package/metrics', [MarketplaceController, 'metrics']).as('marketplace.metrics').use(middleware.can('marketplace.manage'))
        router.get('/marketplace/:package/install', [MarketplaceController, 'consent']).as('marketplace.consent').use(middleware.can('marketplace.manage'))
        router.post('/marketplace/:package/install', [MarketplaceController, 'install']).as('marketplace.install').use(middleware.can('marketplace.manage'))
        router.put('/marketplace/:package/settings', [MarketplaceController, 'updateSettings']).as('marketplace.settings').use(middleware.can('marketplace.manage'))
        router.put('/marketplace/:package/secrets', [MarketplaceController, 'updateSecrets']).as('marketplace.secrets').use(middleware.can('marketplace.manage'))
        router.post('/marketplace/:package/enable', [MarketplaceController, 'enable']).as('marketplace.enable').use(middleware.can('marketplace.manage'))
        router.post('/marketplace/:package/disable', [MarketplaceController, 'disable']).as('marketplace.disable').use(middleware.can('marketplace.manage'))
        router.delete('/marketplace/:package', [MarketplaceController, 'destroy']).as('marketplace.destroy').use(middleware.can('marketplace.manage'))
        router.get('/diagnostics/hooks', [HookDiagnosticsController, 'index']).as('hooks.diagnostics').use(middleware.can('diagnostics.view'))
        router.get('/jobs', [FailedJobsController, 'index']).as('jobs.index').use(middleware.can('jobs.manage'))
        router.post('/jobs/:queue/:id/retry', [FailedJobsController, 'retry']).as('jobs.retry').use(middleware.can('jobs.manage'))
        router.delete('/jobs/:queue/:id', [FailedJobsController, 'discard']).as('jobs.discard').use(middleware.can('jobs.manage'))
      })
      .prefix('/w/:workspace')
      .as('workspace')
      .use([middleware.auth(), middleware.workspace()])
  })
  .use(web())

/* Public API v1 (Authorization: Bearer <token>); its OpenAPI document needs no token */
router.get('/api/v1/openapi.json', [OpenApiController, 'show']).as('api.v1.openapi')
router
  .group(() => {
    router.get('/workspace', [ApiWorkspaceController, 'show']).as('workspace.show').use(middleware.can('workspace.view'))
    router.get('/me', [ApiWorkspaceController, 'me']).as('me')
    router
      .group(() => {
        router.get('/packages', [ApiMarketplaceController, 'packages']).as('packages.index')
        router.get('/packages/:package', [ApiMarketplaceController, 'package']).as('packages.show')
        router.get('/installations', [ApiMarketplaceController, 'installations']).as('installations.index')
        router.get('/installations/:package', [ApiMarketplaceController, 'installation']).as('installations.show')
        router.post('/installations/:package', [ApiMarketplaceController, 'install']).as('installations.store')
        router.put('/installations/:package/settings', [ApiMarketplaceController, 'updateSettings']).as('installations.settings')
        router.put('/installations/:package/status', [ApiMarketplaceController, 'updateStatus']).as('installations.status')
        router.delete('/installations/:package', [ApiMarketplaceController, 'uninstall']).as('installations.destroy')
      })
      .prefix('/marketplace')
      .as('marketplace')
      .use(middleware.can('marketplace.manage'))
  })
  .prefix('/api/v1')
  .as('api.v1')
  .use(middleware.api())

apiDocs.add(marketplaceApiDocs)

/* This instance as a marketplace registry: a public index and archives; publishers upload with their token */
router
  .group(() => {
    router.get('/index.json', [RegistryController, 'index']).as('index')
    router.get('/packages/:package/:version', [RegistryController, 'download']).as('download')
    router.get('/api/packages', [RegistryController, 'list']).as('packages.index')
    router.post('/api/packages', [RegistryController, 'publish']).as('packages.store')
    router.post('/api/packages/:package/:version/yank', [RegistryController, 'yank']).as('packages.yank')
    router.post('/api/packages/:package/deprecate', [RegistryController, 'deprecate']).as('packages.deprecate')
  })
  .prefix('/marketplace')
  .as('registry')

/* Plugins: /w/:workspace/<plugin> and /api/v1/<plugin>, only where the plugin is on */
// Awaited here too: preload files are not guaranteed to finish in order.
await mountPluginRoutes(await installedPlugins(), {
  router,
  admin: (plugin) => [...web(), middleware.auth(), middleware.workspace(), middleware.pluginEnabled({ plugin })],
  api: (plugin) => [middleware.api(), middleware.pluginEnabled({ plugin })],
})

/* Realtime (SSE) */
transmit.registerRoutes((route) => {
  route.use([...web(), middleware.auth()])
})

/*
 * The web server commits the routes when it boots; commands and the worker never boot it, yet
 * build absolute URLs too (webhook URLs in the demo seeder, links in mails sent by jobs).
 */
if (app.getEnvironment() === 'console') router.commit()
