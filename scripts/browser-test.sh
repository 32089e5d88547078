#!/usr/bin/env bash
# Renders report pages in headless Chromium (Debian's `chromium`) at a
# desktop width (1280 px) and a phone width (400 px), and checks each:
#   - nothing but a table's own scrolling box is wider than the screen
#     (the page never scrolls sideways, no chart overflows);
#   - every chart has alt text (aria-label) and a caption;
#   - axe-core (from the npm registry, run in the page) reports no serious
#     or critical accessibility violation (WCAG 2.2 A/AA rules).
# Installs chromium with apt-get and axe-core with npm when missing (both
# idempotent; the network is needed the first time). Run by `make test`.
#
#   bash scripts/browser-test.sh [PAGE.html ...]
# (default: the committed flagship report). Exit status 1 on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

pages=("$@")
if [ ${#pages[@]} -eq 0 ]; then
  pages=(reports/england_community_nursing/pledge-vs-no_pledge/report.html)
fi

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "installing chromium (apt-get)..." >&2
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  browser=$(command -v chromium)
fi

cache="${XDG_CACHE_HOME:-$HOME/.cache}/wfplan-browser-test"
axe="$cache/node_modules/axe-core/axe.min.js"
if [ ! -f "$axe" ]; then
  echo "installing axe-core (npm)..." >&2
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-audit --no-fund --silent axe-core@4 >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

checker='
window.addEventListener("load", async () => {
  const out = { width: document.documentElement.clientWidth, overflow: [], charts: [], axe: [] };
  const vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > vw + 1)
    out.overflow.push("the page scrolls sideways: " + document.documentElement.scrollWidth + " px > " + vw + " px");
  for (const el of document.querySelectorAll("main > *")) {
    const r = el.getBoundingClientRect();
    if (r.right > vw + 1) out.overflow.push(el.tagName.toLowerCase() + "." + (el.className || "") + " ends at " + Math.round(r.right) + " px");
  }
  for (const fig of document.querySelectorAll("figure")) {
    const chart = fig.querySelector(".chart");
    const svg = fig.querySelector("svg");
    if (!chart || !(chart.getAttribute("aria-label") || "").trim()) out.charts.push("a chart without alt text");
    if (!fig.querySelector("figcaption")) out.charts.push("a chart without a caption");
    if (svg && svg.getBoundingClientRect().right > vw + 1) out.overflow.push("a chart wider than the screen");
  }
  try {
    const result = await axe.run(document, { resultTypes: ["violations"], runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } });
    out.axe = result.violations
      .filter(v => v.impact === "serious" || v.impact === "critical")
      .map(v => v.id + " (" + v.impact + ", " + v.nodes.length + " elements): " + v.help);
    out.axe_minor = result.violations
      .filter(v => !(v.impact === "serious" || v.impact === "critical"))
      .map(v => v.id + " (" + v.impact + ")");
  } catch (e) { out.axe = ["axe-core did not run: " + e]; }
  const pre = document.createElement("pre");
  pre.id = "wfplan-verdict";
  pre.textContent = "VERDICT" + JSON.stringify(out) + "END";
  document.body.appendChild(pre);
});'

failed=0
for page in "${pages[@]}"; do
  [ -f "$page" ] || { echo "no page $page" >&2; exit 1; }
  for width in 1280 400; do
    copy="$work/page-$width.html"
    {
      sed 's#</body>##; s#</html>##' "$page"
      printf '<script>%s</script>\n<script>%s</script>\n</body>\n</html>\n' "$(cat "$axe")" "$checker"
    } >"$copy"
    dom=$("$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
      --window-size="$width,900" --virtual-time-budget=60000 \
      --dump-dom "file://$copy" 2>/dev/null || true)
    verdict=$(printf '%s' "$dom" | tr '\n' ' ' | sed -n 's/.*VERDICT\(.*\)END.*/\1/p')
    if [ -z "$verdict" ]; then
      echo "FAIL $page at $width px: the check did not run (no verdict from Chromium)"
      failed=1
      continue
    fi
    result=$(VERDICT="$verdict" python3 -c '
import html, json, os
v = json.loads(html.unescape(os.environ["VERDICT"]))
problems = v["overflow"] + v["charts"] + v["axe"]
print("ok" if not problems else "fail")
for p in problems: print("  - " + p)
if v.get("axe_minor"): print("  (minor, not failing: " + ", ".join(v["axe_minor"]) + ")")
')
    status=$(printf '%s\n' "$result" | head -1)
    details=$(printf '%s\n' "$result" | tail -n +2)
    if [ "$status" = ok ]; then
      echo "ok   $page at $width px"
    else
      echo "FAIL $page at $width px"
      failed=1
    fi
    [ -n "$details" ] && printf '%s\n' "$details"
  done
done
exit $failed
