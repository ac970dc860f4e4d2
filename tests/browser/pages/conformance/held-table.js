// A "bundle" with a symbol table (as `faultline sourcemaps inject` registers one), for the
// conformance scenario 'symbol-table hold': two errors in it, the second from a click listener
// while the first waits for the table.
(window._faultlineSymbolTables = window._faultlineSymbolTables || {})[new Error().stack] = 'held-table.js.flsym.json';
function applyDiscount(cart) { return cart.discount.code; }
function computeTotal(cart) { return cart.items[0].price.amount; }
const checkout = document.createElement('button');
document.body.append(checkout);
checkout.addEventListener('click', () => computeTotal({ items: [{}] }));
setTimeout(() => { applyDiscount({}); }, 0);
setTimeout(() => { checkout.click(); }, 50);
