import { applyCoupon, formatCents } from './pricing.js';

export function lineTotal(line) {
  return line.unitCents * line.quantity;
}

export function cartTotal(cart) {
  const subtotal = cart.lines.reduce((sum, line) => sum + lineTotal(line), 0);
  const total = cart.coupon ? applyCoupon(subtotal, cart.coupon) : subtotal;
  return { subtotal, total, label: formatCents(total) };
}
