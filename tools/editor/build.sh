#!/bin/sh
# Rebuild the query page's editor bundle (server/static/vendor/) from npm, outside the repo.
# Needs node and npm and the npm registry; not run by make test or make serve: the built
# files are committed. Usage: tools/editor/build.sh [scratch folder, default a new temp dir]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
vendor="$here/../../server/static/vendor"
work=${1:-$(mktemp -d /tmp/editor-build.XXXXXX)}
mkdir -p "$work"
cp "$here/package.json" "$here/package-lock.json" "$here/entry.js" "$here/notice.mjs" "$work/"
cd "$work"
npm ci --no-audit --no-fund
npx esbuild entry.js --bundle --minify --format=iife --global-name=ClsCodeMirror \
  --target=es2020 --legal-comments=none --metafile=meta.json \
  --outfile="$vendor/codemirror-sparql.min.js"
rm -rf "$vendor/licenses"
node notice.mjs meta.json "$vendor"
ls -l "$vendor/codemirror-sparql.min.js"
