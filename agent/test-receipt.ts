// The receipt `posbridge test-print` sends through a link: made with escpos-buffer in a real printer model's
// dialect, with items and totals that add up, so an install can be checked end to end (it prints, it is
// captured, and it comes out as a basket with confidence 1).
import { Align, Cut, InMemory, Printer, Style } from 'escpos-buffer';

export interface TestReceiptOptions {
  link: string;
  tillId: string;
  at: Date;
}

export const TEST_RECEIPT_ITEMS: readonly { description: string; price: number }[] = [
  { description: 'Test item one', price: 150 },
  { description: 'Test item two', price: 225 },
  { description: 'Test item three', price: 75 },
];
export const TEST_RECEIPT_TOTAL = TEST_RECEIPT_ITEMS.reduce((sum, item) => sum + item.price, 0);
const CASH = 500;

function money(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

export async function buildTestReceipt(options: TestReceiptOptions): Promise<Buffer> {
  const connection = new InMemory();
  // An Epson TM-T20: the dialect most tills are set up for, and one whose QR command needs no image fallback.
  const printer = await Printer.CONNECT('TM-T20', connection);
  const width = printer.columns;
  const columns = async (left: string, right: string, style = 0): Promise<void> => {
    await printer.writeln(left + ' '.repeat(Math.max(2, width - left.length - right.length)) + right, style, Align.Left);
  };
  const time = options.at.toISOString().slice(0, 19).replace('T', ' ');
  await printer.writeln('posbridge test print', Style.Bold | Style.DoubleWidth | Style.DoubleHeight, Align.Center);
  await printer.writeln(`Link ${options.link}  Till ${options.tillId}`, 0, Align.Center);
  await printer.writeln(`Date ${time} UTC`, 0, Align.Left);
  await printer.writeln('-'.repeat(width), 0, Align.Left);
  for (const item of TEST_RECEIPT_ITEMS) await columns(item.description, money(item.price));
  await printer.writeln('-'.repeat(width), 0, Align.Left);
  await columns('SUBTOTAL', money(TEST_RECEIPT_TOTAL));
  await columns('TOTAL GBP', money(TEST_RECEIPT_TOTAL), Style.Bold);
  await columns('CASH', money(CASH));
  await columns('CHANGE', money(CASH - TEST_RECEIPT_TOTAL));
  await printer.feed(1);
  await printer.qrcode(`posbridge test ${options.link} ${options.at.toISOString()}`, 4);
  await printer.writeln('If this printed, the printer path works.', 0, Align.Center);
  await printer.feed(3);
  await printer.cutter(Cut.Partial);
  return Buffer.from(connection.buffer());
}
