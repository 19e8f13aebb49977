/**
 * Registers an Alpine component of a plugin's page script and starts each element that waits for
 * it: it came with x-ignore and no x-data (`[data-<marker>][x-ignore]`), so Alpine (which started
 * before this module ran, or met the element in a boosted swap) left it alone. Alpine remembers
 * x-ignore on the element itself, hence the delete. Again after every HTMX swap.
 */
export function wakeComponent(selector, name, component, expression = name) {
  window.Alpine.data(name, component)
  const wake = () =>
    document.querySelectorAll(`${selector}[x-ignore]`).forEach((element) => {
      window.Alpine.mutateDom(() => {
        element.removeAttribute('x-ignore')
        element.setAttribute('x-data', expression)
      })
      delete element._x_ignore
      window.Alpine.initTree(element)
    })
  wake()
  document.addEventListener('htmx:afterSettle', wake)
}
