// GS1 numbers printed on receipts (EAN-8, UPC-A, EAN-13, ISBN-13, GTIN-14): the check digit that tells a product
// number from any other run of digits. Item lines use it to keep a product-number column as the item's EAN; the
// card-number mask uses it to leave an ISBN-13 in clear (privacy.ts says why that one is safe).

/** GS1 check digit (EAN-8, UPC-A, EAN-13, GTIN-14): weights 3 and 1 from the right, check digit excluded. */
export function gtinValid(digits: string): boolean {
  if (!/^\d{8,14}$/.test(digits)) return false;
  let sum = 0;
  for (let i = digits.length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += (digits.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(digits.length - 1) - 48;
}

/** An ISBN-13: 13 digits in the Bookland prefixes 978 and 979, with a valid GS1 check digit. */
export function isbn13Valid(digits: string): boolean {
  return digits.length === 13 && (digits.startsWith('978') || digits.startsWith('979')) && gtinValid(digits);
}
