// The operations page: work items, charts, the per-skill and per-planner tables, the learning
// candidates and the audit search, refreshed every few seconds.
// Everything the server says is shown as text (textContent), never parsed as HTML; the charts
// are SVG drawn here, so the page needs nothing from outside aios.
(() => {
  "use strict";

  const REFRESH_MS = 5000;
  const SOON_MINUTES = 60;
  const HOURS_CHARTED = 24;
  const STORED = "aios-ops-key";
  const SVG = "http://www.w3.org/2000/svg";
  const $ = (selector) => document.querySelector(selector);
  const status = $("#status");
  const auditForm = $("#audit-form");
  let timer = null;
  // The audit search last asked for: refreshes repeat it, whatever is half typed in the form.
  let auditQuery = new URLSearchParams(location.search);
  // The candidates as last drawn: redrawn only when they change, so a refresh never swaps a
  // row from under a reviewer's click.
  let candidatesShown = "";

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  async function send(path, method) {
    const response = await fetch(path, {
      method,
      headers: { Authorization: `Bearer ${sessionStorage.getItem(STORED)}` },
    });
    return [response, await response.json()];
  }

  async function get(path) {
    const [response, body] = await send(path, "GET");
    if (response.status === 401 || response.status === 403) {
      // This key will not do for this page: stop polling with it and ask for another.
      signOut();
    }
    if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
    return body;
  }

  function cell(row, text, className) {
    const td = row.insertCell();
    td.textContent = text == null ? "" : String(text);
    if (className) td.className = className;
    return td;
  }

  // Each table shows a page of its rows, and only those whose text has the filter's words: the
  // page stays as tall as a few screens however much the trail holds.
  const PAGE_ROWS = 10;
  const tables = new Map(); // selector -> { page, filter, pager, items, columns, emptyText }

  function fill(table, items, columns, emptyText) {
    const shown = tables.get(table) || { page: 0, filter: "", pager: pagerOf(table) };
    // Unchanged rows are left as they are, so a refresh never closes a row someone opened.
    const same = shown.items && JSON.stringify(shown.items) === JSON.stringify(items);
    Object.assign(shown, { items, columns, emptyText });
    tables.set(table, shown);
    if (!same) draw(table);
  }

  function pagerOf(table) {
    const pager = document.createElement("div");
    pager.className = "pager";
    const filter = document.createElement("input");
    filter.type = "search";
    filter.placeholder = "Filter";
    filter.setAttribute("aria-label", `Filter ${$(table).id}`);
    filter.addEventListener("input", () => {
      Object.assign(tables.get(table), { filter: filter.value.trim().toLowerCase(), page: 0 });
      draw(table);
    });
    const turn = (name, step) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = name;
      button.addEventListener("click", () => {
        tables.get(table).page += step;
        draw(table);
      });
      return button;
    };
    const where = document.createElement("span");
    pager.append(filter, turn("Previous", -1), where, turn("Next", 1));
    $(table).after(pager);
    return pager;
  }

  function draw(table) {
    const shown = tables.get(table);
    const body = $(`${table} tbody`);
    body.replaceChildren();
    const rows = shown.items.map((item) => {
      const row = document.createElement("tr");
      for (const column of shown.columns) column(row, item);
      return row;
    }).filter((row) => !shown.filter || row.textContent.toLowerCase().includes(shown.filter));
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_ROWS));
    shown.page = Math.min(Math.max(0, shown.page), pages - 1);
    const first = shown.page * PAGE_ROWS;
    body.append(...rows.slice(first, first + PAGE_ROWS));
    if (!rows.length) {
      const said = shown.items.length ? "No row has these words." : shown.emptyText;
      cell(body.insertRow(), said, "empty").colSpan = $(`${table} thead tr`).cells.length;
    }
    const [, previous, where, next] = shown.pager.children;
    shown.pager.hidden = shown.items.length <= PAGE_ROWS && !shown.filter;
    where.textContent = rows.length
      ? `rows ${first + 1} to ${Math.min(rows.length, first + PAGE_ROWS)} of ${rows.length}`
      : "none";
    previous.disabled = shown.page === 0;
    next.disabled = shown.page >= pages - 1;
  }

  // Arguments and results as a person reads them: one line, the rest collapsed; fields aios
  // keeps for itself (an idempotency key under _call) one level further down.
  function fields(value, prefix = "") {
    if (value === null || typeof value !== "object") return [[prefix || "value", value]];
    return Object.entries(value).flatMap(([key, inner]) => {
      const name = prefix ? `${prefix}.${key}` : key;
      return inner !== null && typeof inner === "object" && !Array.isArray(inner)
        ? fields(inner, name)
        : [[name, Array.isArray(inner) ? `${inner.length} item(s)` : inner]];
    });
  }

  function listOf(pairs) {
    const list = document.createElement("dl");
    for (const [name, value] of pairs) {
      const term = document.createElement("dt");
      term.textContent = name;
      const said = document.createElement("dd");
      said.textContent = value == null ? "" : String(value);
      list.append(term, said);
    }
    return list;
  }

  function detailsCell(row, headline, sections) {
    const td = cell(row, "", "details");
    const box = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = headline;
    box.append(summary);
    td.append(box);
    for (const [title, value] of sections) {
      if (value == null) continue;
      const pairs = fields(value);
      const open = pairs.filter(([name]) => !name.startsWith("_") && !name.includes("._"));
      const internal = pairs.filter((pair) => !open.includes(pair));
      const heading = document.createElement("strong");
      heading.textContent = title;
      box.append(heading, listOf(open));
      if (internal.length) {
        const more = document.createElement("details");
        const label = document.createElement("summary");
        label.textContent = "Internal fields";
        more.append(label, listOf(internal));
        box.append(more);
      }
    }
    return td;
  }

  const brief = (value) => fields(value || {})
    .filter(([name]) => !name.startsWith("_"))
    .map(([name, v]) => `${name}: ${v}`).join(", ");
  const problem = (r) => (r.result && (r.result.detail || r.result.title || r.result.error)) || brief(r.result);

  const span = (minutes) =>
    minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  const instant = (iso) => new Date(iso.endsWith("Z") || iso.includes("+") ? iso : `${iso}Z`);
  const when = (iso) => instant(iso).toLocaleString();
  const details = (row, r) =>
    detailsCell(row, brief(r.arguments) || brief(r.result), [["Arguments", r.arguments], ["Result", r.result]]);
  const failure = (row, r) =>
    detailsCell(row, problem(r), [["Arguments", r.arguments], ["Result", r.result]]);
  const who = (r) => (r.on_behalf_of && r.on_behalf_of !== r.actor ? `${r.actor} for ${r.on_behalf_of}` : r.actor);

  function clock(row, { sla }) {
    const minutes = Math.abs(sla.minutes_left);
    const text = sla.overdue ? `${span(minutes)} overdue` : `${span(minutes)} left`;
    const kind = sla.overdue ? "overdue" : sla.minutes_left < SOON_MINUTES ? "soon" : "";
    const td = cell(row, text, `clock ${kind}`);
    td.title = `due ${new Date(sla.due_at).toLocaleString()}`;
  }

  function age(row, step) {
    cell(row, `${span(step.age_minutes)} ago`, "clock").title = when(step.since);
  }

  const waiting = [
    age,
    (row, s) => cell(row, s.requester),
    (row, s) => cell(row, s.tool),
    (row, s) => cell(row, s.session_id),
    (row, s) => detailsCell(row, brief(s.arguments), [["Arguments", s.arguments]]),
  ];

  function showWork(work) {
    const now = instant(work.now);
    fill("#confirmations", work.confirmations, waiting, "No conversation waits for a confirmation.");
    fill("#approvals", work.approvals, [
      clock,
      (row, a) => cell(row, a.id),
      (row, a) => cell(row, a.description),
      (row, a) => cell(row, a.requester),
      (row, a) => cell(row, a.required_role),
      (row, a) => cell(row, a.level),
    ], "Nothing waits for approval.");
    fill("#cases", work.cases, [
      clock,
      (row, c) => cell(row, c.id),
      (row, c) => cell(row, c.subject),
      (row, c) => cell(row, c.account_id),
      (row, c) => cell(row, c.priority),
      (row, c) => cell(row, c.owner),
      (row, c) => cell(row, c.escalation_level),
    ], "No open case is near its SLA.");
    fill("#unfinished", work.unfinished_writes, waiting, "Every write sent has its outcome.");
    const failed = [
      (row, r) => cell(row, when(r.occurred_at)),
      (row, r) => cell(row, `${span(Math.max(0, Math.floor((now - instant(r.occurred_at)) / 60000)))} ago`, "clock"),
      (row, r) => cell(row, who(r)),
      (row, r) => cell(row, r.tool),
      (row, r) => cell(row, r.session_id),
      failure,
    ];
    fill("#failed", work.failed_writes, failed, "No change failed recently.");
    fill("#failed-lookups", work.failed_lookups, failed, "No lookup failed recently.");
  }

  function svg(tag, attributes, text) {
    const element = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    if (text != null) element.textContent = String(text);
    return element;
  }

  function chart(figure, width, height, label) {
    figure.querySelector("svg")?.remove();
    const drawing = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label });
    figure.append(drawing);
    return drawing;
  }

  // A bar with its value as a tooltip, so the chart can be read exactly when hovered.
  function bar(parent, className, x, y, width, height, title) {
    const rect = svg("rect", { class: `bar ${className}`, x, y, width, height });
    rect.append(svg("title", {}, title));
    parent.append(rect);
  }

  // Bars per hour, one per series side by side; a series is [field, name] of the hours.
  function drawPerHour(figure, hours, series, label, unit = "") {
    const [width, height, left, bottom, top] = [480, 180, 44, 20, 18];
    const most = Math.max(1, ...hours.flatMap((h) => series.map(([key]) => h[key] ?? 0)));
    const plot = height - bottom - top;
    const slot = (width - left) / hours.length;
    const share = 0.8 / series.length;
    const drawing = chart(figure, width, height, label);
    drawing.append(
      svg("line", { class: "axis", x1: left, x2: width, y1: top + plot, y2: top + plot }),
      svg("text", { x: left - 4, y: top + 4, "text-anchor": "end" }, `${Math.round(most)}${unit}`),
      svg("text", { x: left - 4, y: top + plot, "text-anchor": "end" }, 0),
    );
    series.forEach(([, name], k) => drawing.append(
      svg("rect", { class: name, x: left + 60 * k, y: 2, width: 10, height: 10 }),
      svg("text", { x: left + 60 * k + 14, y: 11 }, name),
    ));
    hours.forEach((h, i) => {
      const x = left + i * slot;
      const hour = instant(h.hour);
      const at = hour.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      series.forEach(([key, name], k) => {
        const value = h[key];
        const tall = ((value ?? 0) / most) * plot;
        const said = value == null ? "none" : `${Math.round(value)}${unit}`;
        bar(drawing, name, x + slot * (0.1 + share * k), top + plot - tall, slot * share, tall, `${at}: ${name} ${said}`);
      });
      if (i % 6 === 0) drawing.append(svg("text", { x, y: height - 6 }, at));
    });
  }

  function drawHourly(hours) {
    const total = (key) => hours.reduce((sum, h) => sum + h[key], 0);
    drawPerHour($("#hourly"), hours, [["turns", "turns"], ["writes", "writes"]],
      `${total("turns")} turns and ${total("writes")} writes in the last ${hours.length} hours`);
  }

  function drawLatency(hours) {
    const slowest = Math.max(0, ...hours.map((h) => h.latency_p95_ms ?? 0));
    const measured = hours.filter((h) => h.latency_p50_ms != null).length;
    drawPerHour($("#latency"), hours, [["latency_p50_ms", "p50"], ["latency_p95_ms", "p95"]],
      `Latency measured in ${measured} of the last ${hours.length} hours, slowest p95 ${Math.round(slowest)} ms`, " ms");
  }

  function drawOutcomes(approvals) {
    const [width, row, left] = [480, 24, 90];
    const most = Math.max(1, ...approvals.map((a) => a.count));
    const drawing = chart($("#outcomes"), width, row * approvals.length + 4,
      approvals.map((a) => `${a.count} ${a.outcome}`).join(", "));
    approvals.forEach((a, i) => {
      const y = i * row + 4;
      const long = (a.count / most) * (width - left - 40);
      drawing.append(svg("text", { x: 0, y: y + 14 }, a.outcome));
      bar(drawing, "outcome", left, y, long, row - 8, `${a.outcome}: ${a.count}`);
      drawing.append(svg("text", { x: left + long + 6, y: y + 14 }, a.count));
    });
  }

  const ms = (value) => (value == null ? "" : `${Math.round(value)} ms`);
  const number = (text) => (row, value) => cell(row, text(value), "number");

  function showSkills(table) {
    fill("#skills", table.skills, [
      (row, s) => cell(row, s.skill),
      number((s) => s.runs),
      number((s) => `${s.succeeded} (${Math.round((100 * s.succeeded) / s.runs)} %)`),
      number((s) => s.corrections),
      number((s) => s.rejections),
      number((s) => ms(s.median_latency_ms)),
    ], "No request was planned in this time.");
  }

  function showPlanners(table) {
    fill("#planners", table.planners, [
      (row, p) => cell(row, p.planner),
      number((p) => p.turns),
      number((p) => `${Math.round(100 * p.share)} %`),
      number((p) => p.model_failed),
      number((p) => `${p.tokens_in} / ${p.tokens_out}`),
      number((p) => `$${p.cost_usd.toFixed(4)}`),
    ], table.configured === "embedded"
      ? "Every turn is the embedded planner's (AIOS_PLANNER=embedded)."
      : "No turn was planned in this time.");
  }

  function learningSay(text, isError) {
    const said = $("#learning-said");
    said.textContent = text;
    said.className = isError ? "error" : "";
  }

  async function showCandidates() {
    const candidates = await get("/v1/learning/candidates");
    const drawn = JSON.stringify(candidates);
    if (drawn === candidatesShown) return;
    candidatesShown = drawn;
    fill("#candidates", candidates, [
      (row, c) => cell(row, c.kind),
      (row, c) => cell(row, c.skill),
      (row, c) => cell(row, c.was),
      (row, c) => cell(row, c.text),
      number((c) => c.seen),
      (row, c) => {
        const td = cell(row, "", "actions");
        if (!c.may_review) return;
        for (const [action, name] of [["accept", "Accept"], ["dismiss", "Dismiss"]]) {
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = name;
          button.addEventListener("click", () => decide(c, action));
          td.append(button, " ");
        }
      },
    ], "No candidate waits for review.");
  }

  // A refused decision says why in the panel; it says nothing about the key, so the page stays.
  async function decide(candidate, action) {
    const path = `/v1/learning/candidates/${encodeURIComponent(candidate.id)}/${action}`;
    try {
      const [response, body] = await send(path, "POST");
      if (!response.ok) learningSay(body.detail || `HTTP ${response.status}`, true);
      else if (action === "accept") learningSay(`"${body.text}" now teaches ${body.skill}; the planner uses it from the next message.`);
      else learningSay(`"${body.text}" dismissed from ${body.skill}.`);
      await showCandidates();
    } catch (error) {
      learningSay(error.message, true);
    }
  }

  async function searchAudit() {
    const records = await get(`/v1/ops/audit?${auditQuery}`);
    fill("#audit", records, [
      (row, r) => cell(row, r.seq),
      (row, r) => cell(row, when(r.occurred_at)),
      (row, r) => cell(row, r.kind),
      (row, r) => cell(row, who(r)),
      (row, r) => cell(row, r.tool),
      (row, r) => cell(row, r.policy_decision),
      details,
    ], "No audit record matches.");
  }

  async function refresh() {
    try {
      // The work first: a refused key then costs one request, not all of them.
      showWork(await get("/v1/ops/work"));
      const [activity, skills, routed] = await Promise.all([
        get(`/v1/ops/activity?hours=${HOURS_CHARTED}`),
        get(`/v1/ops/skills?hours=${HOURS_CHARTED}`),
        get(`/v1/ops/planners?hours=${HOURS_CHARTED}`),
        searchAudit(),
        showCandidates(),
      ]);
      drawHourly(activity.hours);
      drawOutcomes(activity.approvals);
      drawLatency(activity.hours);
      showSkills(skills);
      showPlanners(routed);
      say(`Updated ${new Date().toLocaleTimeString()}.`);
    } catch (error) {
      say(error.message, true);
    }
  }

  // datetime-local holds the viewer's local time and the API wants an instant; the address
  // keeps the instant, so a reload or a shared link searches the same.
  function queryOfForm() {
    const query = new URLSearchParams();
    for (const [name, value] of new FormData(auditForm)) {
      if (value) query.set(name, name === "since" ? new Date(value).toISOString() : value);
    }
    return query;
  }

  function formOfQuery(query) {
    for (const [name, value] of query) {
      const input = auditForm.elements.namedItem(name);
      if (!input) continue;
      if (name !== "since") input.value = value;
      else {
        const local = new Date(new Date(value).getTime() - new Date().getTimezoneOffset() * 60000);
        input.value = local.toISOString().slice(0, 16);
      }
    }
  }

  auditForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    auditQuery = queryOfForm();
    const search = auditQuery.toString();
    history.replaceState(null, "", search ? `${location.pathname}?${search}` : location.pathname);
    try {
      await searchAudit();
    } catch (error) {
      say(error.message, true);
    }
  });

  async function start() {
    $("#key-form").hidden = true;
    $("#ops").hidden = false;
    formOfQuery(auditQuery);
    await refresh();
    if ($("#ops").hidden) return; // the key was refused
    timer = setInterval(refresh, REFRESH_MS);
  }

  $("#key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(STORED, $("#key").value.trim());
    $("#key").value = "";
    start();
  });
  function signOut() {
    clearInterval(timer);
    sessionStorage.removeItem(STORED);
    $("#ops").hidden = true;
    $("#key-form").hidden = false;
  }

  $("#forget").addEventListener("click", () => {
    signOut();
    say("");
  });

  if (sessionStorage.getItem(STORED)) start();
})();
