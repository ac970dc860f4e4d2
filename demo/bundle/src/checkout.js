// Entry point of the demo's minified bundle (dist/demo/checkout.js).
import { cartTotal } from './cart.js';

export function checkout(cart) {
  const summary = cartTotal(cart);
  document.title = `Faultline demo — ${summary.label}`;
  return summary;
}
