import { test } from '@japa/runner'
import Organization from '#tenancy/models/organization'
import { DEFAULT_BRAND, brandOf } from '#tenancy/brand'
import { navigation } from '#ui/navigation'

test.group('Brand', () => {
  test('an organization brand replaces every default', ({ assert }) => {
    const organization = new Organization().merge({
      id: 7,
      name: 'Agency Ltd',
      productName: 'ChatPro',
      primaryColor: '#ff5500',
      logoPath: 'logo.png',
      faviconPath: null,
      mailFooter: null,
    })
    const brand = brandOf(organization)
    assert.equal(brand.productName, 'ChatPro')
    assert.equal(brand.primaryColor, '#ff5500')
    assert.equal(brand.logoUrl, '/branding/7/logo.png')
    assert.equal(brand.faviconUrl, '/branding/7/logo.png', 'the logo stands in for a missing favicon')
    assert.equal(brand.mailFooter, 'ChatPro')
    assert.notInclude(JSON.stringify(brand), DEFAULT_BRAND.productName)
  })

  test('without a product name the organization name is the brand', ({ assert }) => {
    const brand = brandOf(new Organization().merge({ id: 1, name: 'Agency Ltd', productName: null }))
    assert.equal(brand.productName, 'Agency Ltd')
  })
})

test.group('Navigation registry', () => {
  test('shows only the items the role may open', ({ assert }) => {
    const viewer = navigation.visible((ability) => ability === 'workspace.view')
    assert.deepEqual(viewer.main.map((item) => item.key), ['dashboard'])
    assert.lengthOf(viewer.settings, 0)
    const everything = navigation.visible(() => true)
    assert.includeMembers(everything.settings.map((item) => item.key), ['members', 'api_tokens', 'audit'])
  })
})
