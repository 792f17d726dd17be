// The org chart's browser libraries as one small file, static/vendor/d3-chart.min.js (run by `make vendor`).
//
// d3-org-chart 3.1.1 uses d3.selection, select, max, min, sum, cumsum, tree, stratify, zoom,
// zoomIdentity and linkHorizontal (its src/d3-org-chart.js imports exactly those), d3-flextree, and
// selection.transition() (d3-transition). chart.js uses d3.select, d3.zoomIdentity, d3.OrgChart and
// transitions. Bundling only those modules from node_modules (exact versions in package-lock.json)
// leaves out the three quarters of d3.min.js the page never ran but the phone still had to parse.
// Offline: reads node_modules only. The result exposes the same `window.d3` names chart.js reads.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "vendor", "d3-chart.min.js");

// What chart.js reads from window.d3; d3-org-chart imports the rest itself.
const entry = `
import "d3-transition"; // adds selection.transition() and .interrupt(), which both files call
export { select } from "d3-selection";
export { zoomIdentity } from "d3-zoom";
export { OrgChart } from "d3-org-chart";
`;

const result = await build({
  stdin: { contents: entry, resolveDir: root, sourcefile: "d3-chart-entry.js" },
  bundle: true,
  minify: true,
  format: "iife",
  globalName: "d3",
  target: "es2019",
  legalComments: "none", // the notices are gathered into the header below
  metafile: true,
  write: false,
  logLevel: "warning",
});

/** The packages the bundle contains, with version, licence and copyright line: their notices travel with it. */
function notices(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
    if (match) dirs.add(match[1]);
  }
  return [...dirs].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
    let copyright = "";
    try {
      copyright = readFileSync(join(root, dir, "LICENSE"), "utf8").match(/^.*Copyright.*$/im)?.[0].trim() ?? "";
    } catch {
      // no LICENSE file: the licence name below still says the terms
    }
    return ` * ${pkg.name} ${pkg.version} (${pkg.license})${copyright ? " " + copyright : ""}`;
  });
}

// The first line asks V8 to compile every function of the file eagerly (explicit compile hints,
// Chromium 136+): on a background thread while the file streams in, rather than one function at a
// time on the main thread during the chart's first draw (d3-org-chart's render: 20 → 8 ms at best on
// the development machine; other browsers ignore the comment).
const header = [
  "//# allFunctionsCalledOnLoad",
  "/*!",
  " * Built by scripts/build-d3.mjs (`make vendor`) from these npm packages; licence texts in each package:",
  ...notices(result.metafile),
  " */",
].join("\n");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, header + "\n" + result.outputFiles[0].text);
console.log(`${out.slice(root.length + 1)}: ${Math.round(result.outputFiles[0].contents.length / 1024)} KiB`);
