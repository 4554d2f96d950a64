// Trunk post-build hook (Trunk.toml): minifies the wasm-bindgen glue in a release build with
// terser (Trunk 0.21's own minifier cannot read it): about 1.9 KB of the gzipped page. The
// page's subresource-integrity hash of the file is replaced by the minified file's.
// A failure fails the build: a page with unminified glue would still work, but the bundle
// figure would then be wrong without anyone noticing.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minify } from 'terser';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('minify-js: TRUNK_STAGING_DIR is not set (run it from Trunk)');
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);
const sri = (text) => 'sha384-' + createHash('sha384').update(text).digest('base64');
const htmlPath = join(dir, 'index.html');
let html = readFileSync(htmlPath, 'utf8');
for (const name of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
  const path = join(dir, name);
  const before = readFileSync(path, 'utf8');
  const { code } = await minify(before, { module: true, compress: true, mangle: true });
  if (html.includes(sri(before))) {
    html = html.replaceAll(sri(before), sri(code));
  } else if (html.includes('integrity')) {
    throw new Error(`minify-js: index.html has integrity hashes but none for ${name}`);
  }
  writeFileSync(path, code);
}
writeFileSync(htmlPath, html);
