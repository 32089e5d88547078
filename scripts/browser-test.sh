#!/usr/bin/env bash
# Renders report pages in headless Chromium (Debian's `chromium`) at a
# desktop width (1280 px) and a phone width (400 px), and checks each:
#   - nothing but a table's own scrolling box is wider than the screen
#     (the page never scrolls sideways, no chart overflows);
#   - every chart has alt text (aria-label), a title drawn in the chart and
#     a caption, and its smallest text is at least 10 px high as shown (a
#     chart may scroll sideways in its own box, as tables do);
#   - axe-core (from the npm registry, run in the page) reports no serious
#     or critical accessibility violation (WCAG 2.2 A/AA rules).
# Installs chromium with apt-get and axe-core with npm when missing (both
# idempotent; the network is needed the first time). Run by `make test`.
#
#   bash scripts/browser-test.sh [PAGE.html ...]
# Without pages it checks the committed reports (the flagship compare and
# the sweep) and the reports a user would produce, written to a temporary
# folder by target/debug/wfplan (built once here, `cargo build --locked`):
# two more flagship pairs, a three-scenario compare, a single-scenario
# `solve --out` report and the regional flagship compare. Exit status 1 on
# any failure; the temporary folder is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pages=("$@")
if [ ${#pages[@]} -eq 0 ]; then
  flagship=models/england_community_nursing.toml
  regions=models/england_community_nursing_regions.toml
  bash scripts/with-build-tools.sh cargo build --locked --quiet
  wfplan=target/debug/wfplan
  generated="$work/reports"
  "$wfplan" compare "$flagship" --base pledge --policy pledge_unfunded \
    --out "$generated/pledge_unfunded-vs-pledge" --quiet
  "$wfplan" compare "$flagship" --base no_pledge --policy pledge_phased \
    --out "$generated/pledge_phased-vs-no_pledge" --quiet
  "$wfplan" compare "$flagship" --base no_pledge --policy pledge --policy pledge_phased \
    --out "$generated/pledge-and-pledge_phased-vs-no_pledge" --quiet
  "$wfplan" solve "$flagship" --scenario pledge --out "$generated/solve-pledge" --quiet
  "$wfplan" compare "$regions" --base no_pledge --policy pledge \
    --out "$generated/regions-pledge-vs-no_pledge" --quiet
  pages=(
    reports/england_community_nursing/pledge-vs-no_pledge/report.html
    reports/england_community_nursing/sweep-hv_target/report.html
    "$generated"/*/report.html
  )
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
    if (!svg || !Array.from(svg.querySelectorAll("text")).some(t => t.textContent.trim()))
      out.charts.push("a chart without a title drawn in it");
    const caption = fig.querySelector("figcaption");
    if (!caption || !caption.textContent.trim()) out.charts.push("a chart without a caption");
    if (chart && chart.getBoundingClientRect().right > vw + 1) out.overflow.push("a chart box wider than the screen");
    if (svg && svg.viewBox.baseVal && svg.viewBox.baseVal.width > 0) {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      const sizes = Array.from(svg.querySelectorAll("text[font-size]")).map(t => parseFloat(t.getAttribute("font-size")));
      const smallest = Math.min(...sizes) * scale;
      if (sizes.length && smallest < 10)
        out.charts.push("chart text " + smallest.toFixed(1) + " px high (under 10 px): " + (chart.getAttribute("aria-label") || "").slice(0, 60));
    }
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
  parent.postMessage(JSON.stringify(out), "*");
});'

failed=0
for page in "${pages[@]}"; do
  [ -f "$page" ] || { echo "no page $page" >&2; exit 1; }
  name=${page#"$work/reports/"}
  for width in 1280 400; do
    copy="$work/page.html"
    {
      sed 's#</body>##; s#</html>##' "$page"
      printf '<script>%s</script>\n<script>%s</script>\n</body>\n</html>\n' "$(cat "$axe")" "$checker"
    } >"$copy"
    # Headless Chromium will not make its window narrower than 500 px, so
    # the page is shown in a frame of the width under test inside a wide
    # window; the check in the page posts its verdict to the frame's parent,
    # which writes it where --dump-dom shows it.
    frame="$work/frame-$width.html"
    cat >"$frame" <<FRAME
<!DOCTYPE html><html lang="en"><head><title>frame</title></head><body style="margin:0">
<script>window.addEventListener("message", e => { const pre = document.createElement("pre"); pre.textContent = "VER" + "DICT" + e.data + "END"; document.body.appendChild(pre); });</script>
<iframe title="report" src="page.html" style="width:${width}px;height:900px;border:0"></iframe>
</body></html>
FRAME
    dom=$("$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
      --window-size="1400,1000" --virtual-time-budget=60000 \
      --dump-dom "file://$frame" 2>/dev/null || true)
    verdict=$(printf '%s' "$dom" | tr '\n' ' ' | sed -n 's/.*VERDICT\(.*\)END.*/\1/p')
    if [ -z "$verdict" ]; then
      echo "FAIL $name at $width px: the check did not run (no verdict from Chromium)"
      failed=1
      continue
    fi
    result=$(VERDICT="$verdict" WIDTH="$width" python3 -c '
import html, json, os
v = json.loads(html.unescape(os.environ["VERDICT"]))
problems = v["overflow"] + v["charts"] + v["axe"]
if v["width"] != int(os.environ["WIDTH"]):
    problems.append("the page was laid out %s px wide, not %s px" % (v["width"], os.environ["WIDTH"]))
print("ok" if not problems else "fail")
for p in problems: print("  - " + p)
if v.get("axe_minor"): print("  (minor, not failing: " + ", ".join(v["axe_minor"]) + ")")
')
    status=$(printf '%s\n' "$result" | head -1)
    details=$(printf '%s\n' "$result" | tail -n +2)
    if [ "$status" = ok ]; then
      echo "ok   $name at $width px"
    else
      echo "FAIL $name at $width px"
      failed=1
    fi
    [ -n "$details" ] && printf '%s\n' "$details"
  done
done
exit $failed
