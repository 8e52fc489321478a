// Write the NOTICE and copy the LICENSE of every npm package that esbuild put in the bundle.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const [metafile, outDir] = process.argv.slice(2);
const inputs = Object.keys(JSON.parse(readFileSync(metafile, "utf8")).inputs);
const roots = new Set(inputs.map((path) => path.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//)?.[1]).filter(Boolean));
mkdirSync(join(outDir, "licenses"), { recursive: true });
const lines = [
  "server/static/vendor/codemirror-sparql.min.js bundles these npm packages (built by",
  "tools/editor/build.sh with esbuild; each licence text is in licenses/):",
  "",
];
for (const root of [...roots].sort()) {
  const meta = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const licence = readdirSync(root).find((name) => /^licen[cs]e/i.test(name));
  if (!licence) throw new Error(`no LICENSE file in ${meta.name}`);
  const target = `${meta.name.replace("@", "").replace("/", "-")}.LICENSE.txt`;
  copyFileSync(join(root, licence), join(outDir, "licenses", target));
  lines.push(`${meta.name} ${meta.version} (${meta.license}) licenses/${target}`);
}
writeFileSync(join(outDir, "NOTICE"), lines.join("\n") + "\n");
