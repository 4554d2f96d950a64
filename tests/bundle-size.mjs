// Prints the sizes of the built bundle (wasm, js, css), raw and gzip, and the total gzip;
// fails (exit 1) when the total is over issue 4's budget, so CI keeps it met.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = process.argv[2] ?? 'dist';
let total = 0;
for (const name of readdirSync(dir).sort()) {
  if (!/\.(wasm|js|css)$/.test(name)) continue;
  const raw = readFileSync(join(dir, name));
  const gz = gzipSync(raw, { level: 9 }).length;
  total += gz;
  console.log(`${name.padEnd(40)} raw ${String(raw.length).padStart(9)} B   gzip ${String(gz).padStart(8)} B`);
}
console.log(`${'total (wasm + js + css)'.padEnd(40)} gzip ${String(total).padStart(8)} B`);
// Issue 4's budget: 250 kB (250,000 B), wasm + js + css, gzip.
const BUDGET = 250_000;
if (total <= BUDGET) {
  console.log(`within the ${BUDGET} B budget (${BUDGET - total} B to spare)`);
} else {
  console.error(`OVER the ${BUDGET} B budget by ${total - BUDGET} B`);
  process.exit(1);
}
