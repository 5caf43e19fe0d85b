// The operations page: work items refreshed every few seconds, and the audit searched on demand.
// Everything the server says is shown as text (textContent), never parsed as HTML.
(() => {
  "use strict";

  const REFRESH_MS = 5000;
  const SOON_MINUTES = 60;
  const STORED = "aios-ops-key";
  const $ = (selector) => document.querySelector(selector);
  const status = $("#status");
  let timer = null;

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  async function get(path) {
    const response = await fetch(path, {
      headers: { Authorization: `Bearer ${sessionStorage.getItem(STORED)}` },
    });
    const body = await response.json();
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

  function fill(table, items, columns, emptyText) {
    const body = $(`${table} tbody`);
    body.replaceChildren();
    if (!items.length) {
      const td = cell(body.insertRow(), emptyText, "empty");
      td.colSpan = $(`${table} thead tr`).cells.length;
      return;
    }
    for (const item of items) {
      const row = body.insertRow();
      for (const column of columns) column(row, item);
    }
  }

  function clock(row, { sla }) {
    const minutes = Math.abs(sla.minutes_left);
    const span = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
    const text = sla.overdue ? `${span} overdue` : `${span} left`;
    const kind = sla.overdue ? "overdue" : sla.minutes_left < SOON_MINUTES ? "soon" : "";
    const td = cell(row, text, `clock ${kind}`);
    td.title = `due ${new Date(sla.due_at).toLocaleString()}`;
  }

  const when = (iso) => new Date(iso.endsWith("Z") || iso.includes("+") ? iso : `${iso}Z`).toLocaleString();
  const details = (r) => JSON.stringify(r.result == null ? r.arguments : { arguments: r.arguments, result: r.result }, null, 1);

  async function refreshWork() {
    try {
      const work = await get("/v1/ops/work");
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
      fill("#failed", work.failed_steps, [
        (row, r) => cell(row, when(r.occurred_at)),
        (row, r) => cell(row, r.on_behalf_of || r.actor),
        (row, r) => cell(row, r.tool),
        (row, r) => cell(row, r.session_id),
        (row, r) => cell(row, details(r), "details"),
      ], "No step failed recently.");
      say(`Updated ${new Date().toLocaleTimeString()}.`);
    } catch (error) {
      say(error.message, true);
    }
  }

  async function searchAudit(event) {
    if (event) event.preventDefault();
    const query = new URLSearchParams();
    for (const [name, value] of new FormData($("#audit-form"))) {
      if (!value) continue;
      // datetime-local is the viewer's local time; the API wants an instant.
      query.set(name, name === "since" ? new Date(value).toISOString() : value);
    }
    try {
      const records = await get(`/v1/ops/audit?${query}`);
      fill("#audit", records, [
        (row, r) => cell(row, r.seq),
        (row, r) => cell(row, when(r.occurred_at)),
        (row, r) => cell(row, r.kind),
        (row, r) => cell(row, r.on_behalf_of && r.on_behalf_of !== r.actor ? `${r.actor} for ${r.on_behalf_of}` : r.actor),
        (row, r) => cell(row, r.tool),
        (row, r) => cell(row, r.policy_decision),
        (row, r) => cell(row, details(r), "details"),
      ], "No audit record matches.");
    } catch (error) {
      say(error.message, true);
    }
  }

  async function start() {
    $("#key-form").hidden = true;
    $("#ops").hidden = false;
    await refreshWork();
    if ($("#ops").hidden) return; // the key was refused
    await searchAudit();
    timer = setInterval(refreshWork, REFRESH_MS);
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
  $("#audit-form").addEventListener("submit", searchAudit);

  if (sessionStorage.getItem(STORED)) start();
})();
