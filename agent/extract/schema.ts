// The basket as a zod schema: the source of docs/basket.schema.json (z.toJSONSchema, kept in step by
// test/extract/schema.test.ts) and a runtime check for anything that receives baskets from elsewhere.
// The compile-time assertions at the bottom keep it identical to the Basket type in basket.ts.
import { z } from 'zod';
import { BASKET_KINDS, ENTRY_MODE_NAMES, TENDER_TYPES, type Basket } from './basket.js';

const minor = (what: string) => z.number().int().describe(`${what}, integer in minor units of the currency (pence, cents)`);
const text = z.string().nullable();

type ContextField = 'currency' | 'dateOrder' | 'decimalSeparator' | 'language' | 'timezone';
const source = z.enum(['printed', 'config', 'inferred', 'default', 'none']);

const discount = z.object({ description: z.string(), amount: minor('Negative amount taken off') }).strict();

const item = z
  .object({
    description: z.string(),
    quantity: z.number().describe('Units, or a measure such as 0.452 (kg) or 32.15 (L); may be fractional'),
    unit: text.describe("Unit of measure printed with the quantity ('kg', 'g', 'L', 'lb'), null for pieces"),
    unitPrice: minor('Price of one unit (as printed, else amount / quantity when exact)').nonnegative().nullable(),
    unitPriceText: text.describe("Unit price as printed, major units with '.' (\"1.459\"); null when none was printed"),
    amount: minor('Line amount before the item discounts'),
    sku: text,
    ean: text,
    taxCode: text.describe('Tax-code letter printed beside the amount'),
    modifiers: z.array(z.object({ description: z.string(), amount: minor('Extra charge').nullable() }).strict()),
    discounts: z.array(discount),
  })
  .strict();

export const basketSchema = z
  .object({
    id: z.string().min(1).describe('Stable id from the captured job: <jobId>-<docIndex>, or sha256-… for files'),
    revision: z.number().int().min(1),
    kind: z.enum(BASKET_KINDS),
    merchant: z.object({ name: text, address: text, vatNumber: text.describe('Spaces removed'), phone: text }).strict(),
    storeId: text,
    tillId: text,
    operator: text,
    receiptNumber: text,
    transactionAt: text.describe('ISO 8601 local time with offset (YYYY-MM-DDTHH:MM:SS±HH:MM), or a date alone when no time is printed'),
    currency: z.string().regex(/^[A-Z]{3}$/).nullable().describe('ISO 4217'),
    items: z.array(item),
    discounts: z.array(discount).describe('Basket-level discounts'),
    subtotal: minor('Subtotal').nullable(),
    total: minor('Total').nullable(),
    taxes: z.array(
      z
        .object({
          code: text,
          rate: z.number().min(0).max(100).nullable().describe('Percent, e.g. 20 or 5.5'),
          net: minor('Net').nullable(),
          tax: minor('Tax'),
          gross: minor('Gross').nullable(),
        })
        .strict(),
    ),
    tenders: z.array(
      z
        .object({
          type: z.enum(TENDER_TYPES),
          amount: minor('Amount tendered'),
          scheme: text,
          maskedPan: z.string().regex(/^\*+\d{4}$/).nullable().describe('Only the last four digits, never more'),
          authCode: text,
          entryMode: z.enum(ENTRY_MODE_NAMES).nullable(),
        })
        .strict(),
    ),
    change: minor('Change given').nullable(),
    loyalty: z
      .object({
        scheme: text,
        memberIdMasked: z.string().regex(/^\*+[^*]{0,4}$/).nullable(),
        pointsEarned: z.number().int().nullable(),
        pointsBalance: z.number().int().nullable(),
      })
      .strict()
      .nullable(),
    barcodes: z.array(z.object({ symbology: z.string(), data: z.string() }).strict()),
    confidence: z.number().min(0).max(1).describe('1 when every applicable check passed; 0.5 × passed / applicable otherwise; 0 with no applicable check'),
    checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() }).strict()),
    parser: z
      .object({
        version: z.string(),
        profile: text.describe('name@version of the layout profile used, null for the generic rules'),
        ocr: z
          .object({
            engine: z.string().describe('OCR engine, version, language models and settings'),
            confidence: z.number().min(0).max(1).describe("the engine's mean word confidence; the basket confidence is scaled by it"),
          })
          .strict()
          .optional()
          .describe('present when the basket was read by OCR from a receipt printed as a picture'),
      })
      .strict(),
    context: z
      .object({
        currency: z.string().regex(/^[A-Z]{3}$/).nullable(),
        dateOrder: z.enum(['DMY', 'MDY', 'YMD']),
        decimalSeparator: z.enum(['.', ',']),
        language: text.describe('ISO 639-1 language of the labels'),
        timezone: z.string(),
        sources: z
          .object(Object.fromEntries(['currency', 'dateOrder', 'decimalSeparator', 'language', 'timezone'].map((k) => [k, source])) as Record<ContextField, typeof source>)
          .strict()
          .describe('Where each value came from: printed on the receipt, config, inferred from the receipt, default, or none'),
      })
      .strict()
      .optional()
      .describe('Store context the receipt was read with (parser 2 and later)'),
  })
  .strict();

/** JSON Schema of a basket (draft 2020-12), as published in docs/basket.schema.json. */
export function basketJsonSchema(): object {
  return {
    ...z.toJSONSchema(basketSchema),
    $id: 'https://posbridge.dev/schemas/basket.schema.json',
    title: 'posbridge basket',
    description: 'One receipt extracted from a captured ESC/POS print job. Money is integer minor units; refunds are negative.',
  };
}

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const sameShape: Equal<z.infer<typeof basketSchema>, Basket> = true;
void sameShape;
