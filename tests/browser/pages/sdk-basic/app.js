// Application code for the SDK tests: real functions in a real script file, so stacks have URLs.
function renderCart(cart) {
  return cart.items.length;  // TypeError when cart is null
}
function checkout(cart) {
  try {
    return renderCart(cart);
  } catch (cause) {
    throw new Error('checkout failed', { cause });
  }
}
function throwLater(fn, arg) {
  setTimeout(function () { fn(arg); });
}
function rejectLater(value) {
  Promise.reject(value);
}
