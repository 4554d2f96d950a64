// Prints the sizes of the built bundle (wasm, js, css), raw and gzip, and the total gzip;
// fails (exit 1) when the total is over issue 4's budget, so CI keeps it met.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
// Issue 10's budget, for the initial load with every feature: 300 kB (300,000 B), wasm + js +
// css, gzip. Lessons are not in it: they are fetched on demand, each at most 20 kB gzip.
const BUDGET = 300_000;
const LESSON_BUDGET = 20_000;
let failed = false;
if (total <= BUDGET) {
  console.log(`within the ${BUDGET} B budget (${BUDGET - total} B to spare)`);
} else {
  console.error(`OVER the ${BUDGET} B budget by ${total - BUDGET} B`);
  failed = true;
}
const library = join(dir, 'library');
let largest = ['', 0];
let count = 0;
for (const name of readdirSync(library).sort()) {
  if (!name.endsWith('.json')) continue;
  const gz = gzipSync(readFileSync(join(library, name)), { level: 9 }).length;
  count += 1;
  if (gz > largest[1]) largest = [name, gz];
  if (gz > LESSON_BUDGET) {
    console.error(`library/${name}: ${gz} B gzip, OVER the ${LESSON_BUDGET} B budget of a lesson file`);
    failed = true;
  }
}
console.log(`library: ${count} files fetched on demand; the largest, ${largest[0]}, is ${largest[1]} B gzip (budget ${LESSON_BUDGET} B)`);
// The extended page (consumer groups, scripts/build.sh's second build) is fetched only when a
// reader opens it: reported, not part of the first load (docs/embed.md § Bundle).
const full = join(dir, 'full');
if (existsSync(full)) {
  let fullTotal = 0;
  for (const name of readdirSync(full)) {
    if (/\.(wasm|js|css)$/.test(name)) fullTotal += gzipSync(readFileSync(join(full, name)), { level: 9 }).length;
  }
  console.log(`full/ (the page with consumer groups, fetched on demand): ${fullTotal} B gzip`);
} else {
  console.error('full/ is missing: scripts/build.sh builds the page with consumer groups there');
  failed = true;
}
if (failed) process.exit(1);
