// Prices and coupons of the demo shop. Built into a minified bundle (see ../build.mjs) so the
// local viewer shows what source maps give back: original names, files, lines and source lines.
export const COUPONS = {
  WELCOME10: { percent: 10 },
  SPRING25: { percent: 25, minimum: 5000 },
};

export function applyCoupon(subtotal, code) {
  const coupon = COUPONS[code];
  // Bug on purpose: an unknown code is not checked, so `coupon` is undefined here.
  if (coupon.minimum && subtotal < coupon.minimum) return subtotal;
  return Math.round(subtotal * (100 - coupon.percent)) / 100;
}

export function formatCents(cents) {
  return `$${(cents / 100).toFixed(2)}`;
}
