#!/bin/sh
# Ibiki dashboard self-check: JS syntax (node --check), and index.html/app.css
# load only local files, with no inline script, style or event handler (CSP).
# Run: sh tests/web/selfcheck.sh
set -eu
cd "$(dirname "$0")/../../app/web"
bad=0
for f in *.js; do node --check "$f" || bad=1; done
# Every src/href in index.html is an absolute local path ("/x", not "//host").
if grep -Eo '(src|href)="[^"]*"' index.html | grep -Ev '(src|href)="/[^/]'; then
	echo "index.html: non-local reference above"; bad=1
fi
# No inline <script> body, <style>, style= or on*= attributes.
if grep -Ein '<script( [^>]*)?>[^<]|<style|[[:space:]]style=|[[:space:]]on[a-z]+=' index.html; then
	echo "index.html: inline code or style above"; bad=1
fi
# No external URLs in markup or styles (the SVG's xmlns is a name, not a fetch).
if grep -Ein 'https?://|url\(' index.html app.css; then
	echo "external resource above"; bad=1
fi
# The JS never parses HTML from strings.
if grep -En 'innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function' *.js; then
	echo "HTML/JS injection sink above"; bad=1
fi
[ "$bad" -eq 0 ] && echo "selfcheck: ok"
exit "$bad"
