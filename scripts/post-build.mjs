// Trunk post-build hook (Trunk.toml), release builds only: shrinks what the page ships.
//
// 1. Dead exports. Leptos 0.8 always builds server_fn's browser client, which links
//    wasm-streams; its three #[wasm_bindgen] classes (IntoUnderlyingSource, …Sink,
//    …ByteSource) are exports of the module, so no linker or optimiser may drop them, though
//    this page never calls them (it exports nothing of its own). They are removed from the
//    glue and from the module's export section, and the optimiser then drops their code.
// 2. More optimisation: binaryen's `--flatten --rereloop -Oz -Oz`, twice, after Trunk's `-Oz`
//    (2.7 KB of the gzipped page; measured in docs/embed.md § Bundle), then the custom sections
//    nothing reads at run time (producers, target features, wasm-split's marker).
// 3. The glue is minified with terser (Trunk 0.21's minifier cannot read it: 1.9 KB).
// 4. The page's subresource-integrity hashes are replaced by those of the new files.
//
// A failure fails the build: a page with dead code or unminified glue would still work, but the
// bundle figure would then be wrong without anyone noticing. When a dependency update changes
// what is dead, the check below says so, by name.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minify } from 'terser';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('post-build: TRUNK_STAGING_DIR is not set (run it from Trunk)');
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);

/** The classes of the glue that the page never uses (wasm-streams, through server_fn). */
const DEAD_CLASSES = ['IntoUnderlyingByteSource', 'IntoUnderlyingSink', 'IntoUnderlyingSource'];

/** Removes the dead classes from wasm-bindgen's (unminified) glue, checking that each was there. */
function stripDeadClasses(js) {
  let out = js;
  for (const name of DEAD_CLASSES) {
    const patterns = [
      new RegExp(`^export class ${name} \\{\\n[\\s\\S]*?\\n\\}\\n`, 'm'),
      new RegExp(`^if \\(Symbol\\.dispose\\) ${name}\\.prototype\\[Symbol\\.dispose\\] = ${name}\\.prototype\\.free;\\n`, 'm'),
      new RegExp(`^const ${name}Finalization = [\\s\\S]*?\\);\\n`, 'm'),
    ];
    for (const p of patterns) {
      if (!p.test(out)) throw new Error(`post-build: the glue no longer has ${p} (did a dependency change? update DEAD_CLASSES)`);
      out = out.replace(p, '');
    }
  }
  if (/intounderlying/i.test(out)) throw new Error('post-build: the glue still mentions a dead class after stripping');
  return out;
}

function leb(d, at) {
  let r = 0, s = 0, b, i = at;
  do { b = d[i++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80);
  return [r >>> 0, i];
}
function uleb(n) {
  const o = [];
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n);
  return Buffer.from(o);
}

/** Rewrites a module's sections: `exports` filters the export section, `custom` the custom sections by name. */
function rewrite(d, { keepExport = () => true, keepCustom = () => true }) {
  const parts = [d.subarray(0, 8)];
  const removed = [];
  let i = 8;
  while (i < d.length) {
    const start = i;
    const id = d[i++];
    let size;
    [size, i] = leb(d, i);
    const end = i + size;
    if (id === 7) {
      let n, j = i;
      [n, j] = leb(d, j);
      const kept = [];
      for (let k = 0; k < n; k++) {
        const e0 = j;
        let len;
        [len, j] = leb(d, j);
        const name = d.subarray(j, j + len).toString('utf8');
        j += len + 1; // name, kind
        [, j] = leb(d, j); // index
        if (keepExport(name)) kept.push(d.subarray(e0, j));
        else removed.push(name);
      }
      const body = Buffer.concat([uleb(kept.length), ...kept]);
      parts.push(Buffer.from([7]), uleb(body.length), body);
    } else if (id === 0) {
      const [len, j] = leb(d, i);
      const name = d.subarray(j, j + len).toString('utf8');
      if (keepCustom(name)) parts.push(d.subarray(start, end));
      else removed.push(`custom section ${name}`);
    } else {
      parts.push(d.subarray(start, end));
    }
    i = end;
  }
  return [Buffer.concat(parts), removed];
}

const lower = DEAD_CLASSES.map((c) => c.toLowerCase());
const deadExport = (name) => lower.some((c) => name.startsWith(`${c}_`) || name === `__wbg_${c}_free`);

const sri = (bytes) => 'sha384-' + createHash('sha384').update(bytes).digest('base64');
const htmlPath = join(dir, 'index.html');
let html = readFileSync(htmlPath, 'utf8');
const replaceSri = (name, before, after) => {
  if (html.includes(sri(before))) html = html.replaceAll(sri(before), sri(after));
  else if (html.includes('integrity')) throw new Error(`post-build: index.html has integrity hashes but none for ${name}`);
};

const files = readdirSync(dir);
const wasmName = files.find((f) => f.endsWith('_bg.wasm'));
// The glue is named after the module (other .js files, e.g. the crash overlay, are Trunk's).
const jsName = wasmName && wasmName.replace(/_bg\.wasm$/, '.js');
if (!wasmName || !files.includes(jsName)) throw new Error(`post-build: no wasm module or glue in ${dir}`);

// The module.
const wasmPath = join(dir, wasmName);
const wasmBefore = readFileSync(wasmPath);
const [stripped, removedExports] = rewrite(wasmBefore, { keepExport: (n) => !deadExport(n) });
const expected = DEAD_CLASSES.length; // at least a `free` per class
if (removedExports.length < expected) throw new Error(`post-build: expected the dead classes' exports, removed only ${removedExports.join(', ') || 'none'}`);
writeFileSync(wasmPath, stripped);
// Twice: a second round still saves 0.4 KB, a third nothing (docs/embed.md § Bundle).
const REOPTIMIZE = ['--flatten', '--rereloop', '-Oz', '-Oz', '--flatten', '--rereloop', '-Oz', '-Oz'];
const opt = spawnSync('node_modules/.bin/wasm-opt', [wasmPath, '-o', wasmPath, ...REOPTIMIZE], { stdio: 'inherit' });
if (opt.status !== 0) throw new Error(`post-build: wasm-opt failed (${opt.error ?? `exit ${opt.status}`})`);
const DROPPED_SECTIONS = ['producers', 'target_features', '__wasm_split_unstable'];
const [wasmAfter] = rewrite(readFileSync(wasmPath), { keepCustom: (n) => !DROPPED_SECTIONS.includes(n) });
writeFileSync(wasmPath, wasmAfter);
replaceSri(wasmName, wasmBefore, wasmAfter);

// The glue.
const jsPath = join(dir, jsName);
const jsBefore = readFileSync(jsPath, 'utf8');
const { code } = await minify(stripDeadClasses(jsBefore), { module: true, compress: true, mangle: true });
writeFileSync(jsPath, code);
replaceSri(jsName, jsBefore, code);

writeFileSync(htmlPath, html);
console.log(`post-build: removed ${removedExports.length} dead exports; wasm ${wasmBefore.length} → ${wasmAfter.length} B, glue ${jsBefore.length} → ${code.length} B`);
