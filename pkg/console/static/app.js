// irisflow console: a hash-routed page over the JSON API (docs/console.md).
// Every URL is relative, so the console works under a reverse-proxy prefix.
// Iris values are untrusted: text is set with textContent, never innerHTML.
"use strict";

const FILTERS = [
  ["min_risk", "Risk at least", "number"], ["tag", "Tag"], ["registrar", "Registrar"],
  ["registrant", "Registrant (name or org)"], ["email", "E-mail"], ["ip", "IP"], ["ns", "Name server"],
  ["mx", "MX"], ["ssl_hash", "SSL hash"], ["tracking_code", "Tracking code"],
  ["created_after", "Created after", "date"], ["created_before", "Created before", "date"],
  ["incident", "Seen in incident (ID or ORG/ID)"], ["since", "Fetched since (168h or date)"], ["like", "Domain contains"],
];
const KIND_NAMES = { domain: "domain", ip: "IP", ns: "name server", mx: "MX", ssl: "SSL hash", email: "e-mail", registrant: "registrant", track: "tracking code" };
const KIND_COLOURS = { ip: "#0e7490", ns: "#7c3aed", mx: "#c2410c", ssl: "#4d7c0f", email: "#be185d", registrant: "#92400e", track: "#475569" };
const FILTER_OF_KIND = { ip: "ip", ns: "ns", mx: "mx", ssl: "ssl_hash", email: "email", registrant: "registrant", track: "tracking_code" };

// h builds an element: h("a", {href: "#/"}, "text", child…).
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat()) {
    if (kid === undefined || kid === null) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

async function api(path) {
  const res = await fetch("api/" + path, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  const body = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}

// riskColour: green (0) → amber → red (100); grey when unknown.
function riskColour(r) {
  if (r === undefined || r === null) return "#98a2b3";
  const hue = Math.max(0, 120 - (r * 1.2));
  return `hsl(${hue}, 70%, 40%)`;
}
function riskBadge(r) {
  return h("span", { class: "risk", style: `background:${riskColour(r)}` }, r === null || r === undefined ? "–" : r);
}
function domainLink(d) { return h("a", { href: "#/domain/" + encodeURIComponent(d), class: "domain-link" }, d); }
function valueLink(kind, value) { return h("a", { href: "#/value/" + encodeURIComponent(kind) + "/" + encodeURIComponent(value) }, value); }
function tags(ts) { return (ts || []).map((t) => h("span", { class: "tag" }, t)); }
function utc(t) { return t ? t.replace("T", " ").slice(0, 16) : ""; }

const app = () => document.getElementById("app");
function show(...kids) { app().replaceChildren(...kids); }
function showError(err) { show(h("p", { class: "error", id: "error" }, String(err.message || err))); }

// ---- search -----------------------------------------------------------

async function searchPage(params) {
  const form = h("form", { class: "filters", id: "search-form" },
    FILTERS.map(([name, label, type]) => h("label", {}, label,
      h("input", { name, type: type || "text", value: params.get(name) || "" }))),
    h("label", {}, "Sort", h("select", { name: "sort" }, ["risk", "domain", "fetched", "created"].map((s) =>
      h("option", { value: s, selected: (params.get("sort") || "risk") === s }, s)))),
    h("div", { class: "actions" }, h("button", { type: "submit", id: "search-button" }, "Search"),
      h("a", { href: "#/" }, "clear")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v !== "" && !(k === "sort" && v === "risk")) q.set(k, v);
    location.hash = "#/search?" + q.toString();
  });
  const results = h("div", { id: "results" }, h("p", { class: "muted" }, "Searching…"));
  show(h("h1", {}, "Search"), form, results);
  try {
    const ans = await api("search?" + params.toString());
    results.replaceChildren(resultsTable(ans, params));
  } catch (err) {
    results.replaceChildren(h("p", { class: "error", id: "error" }, err.message));
  }
}

function resultsTable(ans, params) {
  const pages = Math.max(1, Math.ceil(ans.total / ans.limit));
  const pageLink = (p, text) => {
    const q = new URLSearchParams(params); q.set("page", p);
    return h("a", { href: "#/search?" + q.toString() }, text);
  };
  return h("div", {},
    h("div", { class: "pager" }, h("span", { id: "total" }, `${ans.total} domain${ans.total === 1 ? "" : "s"}`),
      ans.page > 1 ? pageLink(ans.page - 1, "← previous") : null,
      h("span", {}, `page ${ans.page} of ${pages}`),
      ans.page < pages ? pageLink(ans.page + 1, "next →") : null),
    h("table", { id: "results-table" },
      h("thead", {}, h("tr", {}, ["Domain", "Risk", "Tags", "Created", "Registrar", "IP", "Fetched (UTC)"].map((c) => h("th", {}, c)))),
      h("tbody", {}, ans.results.map((r) => h("tr", {},
        h("td", {}, domainLink(r.domain)), h("td", {}, riskBadge(r.risk_score)), h("td", {}, tags(r.tags)),
        h("td", {}, r.create_date || ""), h("td", {}, r.registrar || ""), h("td", {}, r.first_ip ? valueLink("ip", r.first_ip) : ""),
        h("td", {}, utc(r.fetched_at)))))));
}

// ---- domain -----------------------------------------------------------

async function domainPage(domain) {
  show(h("p", { class: "muted" }, "Loading " + domain + "…"));
  let d;
  try { d = await api("domain/" + encodeURIComponent(domain)); } catch (err) { return showError(err); }
  const groups = h("div", { class: "grid", id: "groups" }, d.groups.map((g) => h("div", { class: "card group", "data-group": g.name },
    h("h3", {}, g.name), h("table", {}, g.fields.map((f) => h("tr", {}, h("td", {}, f.label), h("td", {}, f.value === "" ? "–" : f.value)))))));
  const changes = d.snapshots.filter((s) => s.changes.length > 0);
  show(
    h("h1", { id: "domain-title" }, d.domain, " ", riskBadge(d.risk_score)),
    h("p", {}, tags(d.tags), h("span", { class: "muted" }, d.found ? ` newest Iris profile ${utc(d.fetched_at)} UTC, ${d.snapshots.length} snapshot(s)` : " Iris has no data for this domain")),
    h("h2", {}, "Risk score over time"), h("div", { id: "risk-plot", "data-points": d.risk.length }),
    h("h2", {}, "Pivot graph"),
    h("p", { class: "muted" }, "Click a node to expand it; double-click (or use the list below) to open its page. Colour = risk, edge label = Iris guided count."),
    h("div", { class: "legend" }, Object.entries(KIND_COLOURS).map(([k, c]) => h("span", {}, h("i", { style: `background:${c}` }), KIND_NAMES[k]))),
    h("div", { id: "graph", "data-nodes": 0 }),
    h("ul", { class: "nodes", id: "graph-nodes" }),
    h("h2", {}, "Latest profile"), groups,
    h("h2", {}, "Incidents"),
    d.incidents.length === 0 ? h("p", { class: "muted", id: "incidents" }, "In no recorded incident.") :
      h("table", { id: "incidents" }, h("tr", {}, ["Org / incident", "How", "First seen (UTC)"].map((c) => h("th", {}, c))),
        d.incidents.map((i) => h("tr", {}, h("td", {}, h("a", { href: "#/search?incident=" + i.org + "/" + i.incident }, `${i.org}/${i.incident}`)),
          h("td", {}, i.how), h("td", {}, utc(i.at))))),
    h("h2", {}, "What changed between snapshots"),
    changes.length === 0 ? h("p", { class: "muted", id: "changes" }, "No change between snapshots.") :
      h("table", { id: "changes" }, changes.map((s) => h("tr", {}, h("td", {}, utc(s.fetched_at)),
        h("td", {}, s.changes.map((c) => h("div", {}, c.text)))))));
  plotRisk(document.getElementById("risk-plot"), d.risk);
  startGraph("domain", d.domain);
}

function plotRisk(el, points) {
  if (!points.length) { el.append(h("p", { class: "muted" }, "No risk scores stored.")); return; }
  const xs = points.map((p) => Date.parse(p.at) / 1000);
  const ys = points.map((p) => p.score);
  if (xs.length === 1) { xs.unshift(xs[0] - 3600); ys.unshift(null); } // uPlot needs two x values
  new uPlot({
    width: Math.min(el.clientWidth || 900, 1200) - 16, height: 220,
    scales: { y: { range: [0, 100] } },
    series: [{}, { label: "risk score", stroke: "#b42318", width: 2, points: { show: true, size: 7 } }],
    axes: [{}, { label: "risk" }],
  }, [xs, ys], el);
}

// ---- graph ------------------------------------------------------------

let cy = null;

function startGraph(kind, value) {
  const el = document.getElementById("graph");
  cy = cytoscape({
    container: el,
    style: [
      { selector: "node", style: { "background-color": "data(colour)", label: "data(label)", "font-size": 9, color: "#1d2430",
        "text-valign": "bottom", "text-margin-y": 3, width: 18, height: 18 } },
      { selector: "node[kind = 'domain']", style: { shape: "round-rectangle", width: 24, height: 24 } },
      { selector: "node.center", style: { "border-width": 3, "border-color": "#14213d" } },
      { selector: "edge", style: { width: 1.2, "line-color": "#b6bfcf", label: "data(label)", "font-size": 8, color: "#667085",
        "curve-style": "bezier", "text-background-color": "#fff", "text-background-opacity": 0.8 } },
      { selector: "edge[via = 'pivot']", style: { "line-style": "dashed", "line-color": "#7c8aa5" } },
    ],
    wheelSensitivity: 0.3,
  });
  window.irisflowGraph = cy;
  cy.on("tap", "node", (e) => expand(e.target.data("kind"), e.target.data("value")));
  cy.on("dbltap", "node", (e) => { location.hash = pageOf(e.target.data("kind"), e.target.data("value")); });
  return expand(kind, value, true);
}

function pageOf(kind, value) {
  return kind === "domain" ? "#/domain/" + encodeURIComponent(value) : "#/value/" + encodeURIComponent(kind) + "/" + encodeURIComponent(value);
}

async function expand(kind, value, first) {
  const el = document.getElementById("graph");
  let g;
  try { g = await api("graph?kind=" + encodeURIComponent(kind) + "&value=" + encodeURIComponent(value)); } catch (err) {
    el.after(h("p", { class: "error", id: "error" }, err.message)); return;
  }
  const added = [];
  for (const n of g.nodes) {
    if (cy.getElementById(n.id).nonempty()) {
      if (n.risk !== undefined && n.kind === "domain") cy.getElementById(n.id).data({ risk: n.risk, colour: riskColour(n.risk) });
      continue;
    }
    const label = n.kind === "domain" ? n.value : (n.value.length > 28 ? n.value.slice(0, 27) + "…" : n.value);
    added.push({ group: "nodes", data: { id: n.id, kind: n.kind, value: n.value, risk: n.risk, label,
      colour: n.kind === "domain" ? riskColour(n.risk) : (KIND_COLOURS[n.kind] || "#64748b") } });
  }
  for (const e of g.edges) {
    if (cy.getElementById(e.id).nonempty()) continue;
    added.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target, via: e.via, label: e.count ? String(e.count) : "" } });
  }
  cy.add(added);
  cy.getElementById(g.center).addClass("center").data("expanded", true);
  cy.layout({ name: first ? "cose" : "cose", animate: false, nodeDimensionsIncludeLabels: true, randomize: first }).run();
  el.setAttribute("data-nodes", cy.nodes().length);
  el.setAttribute("data-edges", cy.edges().length);
  el.setAttribute("data-expanded", cy.nodes("[?expanded]").map((n) => n.id()).join(" "));
  listNodes();
}

// listNodes mirrors the graph as a list: keyboard- and test-friendly.
function listNodes() {
  const ul = document.getElementById("graph-nodes");
  const nodes = cy.nodes().sort((a, b) => (a.data("kind") === b.data("kind") ? a.data("value").localeCompare(b.data("value")) :
    a.data("kind").localeCompare(b.data("kind"))));
  ul.replaceChildren(...nodes.map((n) => {
    const kind = n.data("kind"), value = n.data("value");
    return h("li", { "data-node": n.id() }, h("span", { class: "muted" }, KIND_NAMES[kind] || kind, " "),
      h("a", { href: pageOf(kind, value), class: "node-page" }, value), " ",
      kind === "domain" ? riskBadge(n.data("risk")) : null,
      n.data("expanded") ? null : h("button", { class: "link node-expand", type: "button", onclick: () => expand(kind, value) }, "expand"));
  }));
}

// ---- value ------------------------------------------------------------

async function valuePage(kind, value) {
  const filter = FILTER_OF_KIND[kind];
  show(h("h1", { id: "value-title" }, (KIND_NAMES[kind] || kind) + " " + value),
    h("h2", {}, "Pivot graph"), h("div", { id: "graph", "data-nodes": 0 }), h("ul", { class: "nodes", id: "graph-nodes" }),
    h("h2", {}, "Domains whose newest profile has it"), h("div", { id: "results" }, filter ? "Searching…" : h("p", { class: "muted" }, "Not a searchable kind; see the graph's recorded pivots.")));
  startGraph(kind, value);
  if (!filter) return;
  const params = new URLSearchParams({ [filter]: value });
  try {
    const ans = await api("search?" + params.toString());
    document.getElementById("results").replaceChildren(resultsTable(ans, params));
  } catch (err) {
    document.getElementById("results").replaceChildren(h("p", { class: "error", id: "error" }, err.message));
  }
}

// ---- routing ----------------------------------------------------------

function route() {
  const hash = location.hash.replace(/^#\/?/, "");
  const [path, query] = hash.split("?");
  const parts = path.split("/").map(decodeURIComponent);
  if (parts[0] === "domain" && parts[1]) return domainPage(parts[1]);
  if (parts[0] === "value" && parts[2]) return valuePage(parts[1], parts.slice(2).join("/"));
  return searchPage(new URLSearchParams(query || ""));
}

window.addEventListener("hashchange", route);
route();
