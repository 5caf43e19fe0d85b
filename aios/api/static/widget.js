/*
 * aios chat widget: one self-contained script an intranet page embeds with one tag,
 *
 *   <script src="{the aios API}/widget.js" data-aios-key="aios_…" defer></script>
 *
 * (optional: data-aios-title="…"). It talks only to the origin it was loaded from, with the
 * key (scoped to the embedding page's origin), and draws everything inside a Shadow DOM, so the
 * page's CSS and the widget's never meet. Everything the assistant says is data: it is put on
 * the page with textContent, never parsed as HTML. No dependencies, no build step, no fonts or
 * other requests of its own.
 */
(() => {
  "use strict";

  const script = document.currentScript;
  if (!script || !script.src || window.__aiosWidget) return;
  window.__aiosWidget = true;

  const API = new URL(script.src, location.href).origin;
  const KEY = (script.dataset.aiosKey || "").trim();
  const TITLE = (script.dataset.aiosTitle || "").trim() || "Assistant";
  const STORED = "aios-widget:" + API + ":session";

  // ---------------------------------------------------------------- the API

  class ApiError extends Error {
    constructor(status, code, detail, retryAfter) {
      super(detail);
      this.status = status;
      this.code = code;
      this.retryAfter = retryAfter;
    }
  }

  async function call(method, path, body, stream) {
    const headers = { Authorization: "Bearer " + KEY };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    headers.Accept = stream ? "text/event-stream" : "application/json";
    let response;
    try {
      response = await fetch(API + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        mode: "cors",
        credentials: "omit",
        cache: "no-store",
        referrerPolicy: "no-referrer",
      });
    } catch (_) {
      throw new ApiError(
        0,
        "unreachable",
        "The assistant at " + API + " cannot be reached from this page: it is down, " +
          "or it does not allow this page's origin (" + location.origin + ")."
      );
    }
    if (!response.ok) throw await problem(response);
    return response;
  }

  async function problem(response) {
    let detail = "";
    let code = "http_error";
    try {
      const body = await response.json();
      if (body && typeof body.detail === "string") detail = body.detail;
      if (body && typeof body.code === "string") code = body.code;
    } catch (_) {
      /* not problem+json: say what we know */
    }
    const status = response.status;
    const after = Number.parseInt(response.headers.get("Retry-After") || "", 10);
    const retryAfter = Number.isFinite(after) && after >= 0 ? after : null;
    if (!detail) {
      detail =
        status === 401 ? "The widget's API key was not accepted." :
        status === 403 ? "This page is not allowed to use the assistant." :
        status === 429 ? "Too many requests." :
        status >= 500 ? "The assistant had a problem (" + status + ")." :
        "The request failed (" + status + ").";
    }
    if (status === 429 && retryAfter !== null && !/try again/i.test(detail)) {
      detail += " Try again in " + retryAfter + " s.";
    }
    return new ApiError(status, code, detail, retryAfter);
  }

  async function json(method, path, body) {
    return (await call(method, path, body, false)).json();
  }

  /** Server-Sent Events from a fetch response, parsed by hand (EventSource cannot POST). */
  async function readEvents(response, onEvent) {
    const parser = sseParser(onEvent);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.push(decoder.decode(value, { stream: true }));
    }
    parser.push(decoder.decode());
  }

  /** The SSE wire format: lines end in CRLF, LF or CR (a CRLF may be split across chunks);
   * a blank line ends a frame; ':' starts a comment (sse-starlette's pings). */
  function sseParser(onEvent) {
    let buffer = "";
    let skipLF = false;
    let type = "";
    let data = [];
    const line = (text) => {
      if (text === "") {
        if (data.length) onEvent(type || "message", data.join("\n"));
        type = "";
        data = [];
        return;
      }
      if (text[0] === ":") return;
      const colon = text.indexOf(":");
      const field = colon < 0 ? text : text.slice(0, colon);
      let value = colon < 0 ? "" : text.slice(colon + 1);
      if (value[0] === " ") value = value.slice(1);
      if (field === "event") type = value;
      else if (field === "data") data.push(value);
    };
    return {
      push(chunk) {
        if (skipLF && chunk[0] === "\n") chunk = chunk.slice(1);
        skipLF = false;
        buffer += chunk;
        let start = 0;
        for (let i = 0; i < buffer.length; i++) {
          const c = buffer[i];
          if (c !== "\n" && c !== "\r") continue;
          line(buffer.slice(start, i));
          if (c === "\r") {
            if (i + 1 === buffer.length) skipLF = true;
            else if (buffer[i + 1] === "\n") i++;
          }
          start = i + 1;
        }
        buffer = buffer.slice(start);
      },
    };
  }

  // ---------------------------------------------------------------- the page

  const host = document.createElement("div");
  host.setAttribute("data-aios-widget", "");
  const root = host.attachShadow({ mode: "open" });
  root.appendChild(el("style", null, CSS()));

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /** A speech bubble, drawn here: no icon font, no image request. */
  function icon() {
    const NS = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "18");
    svg.setAttribute("height", "18");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(NS, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
    svg.append(path);
    return svg;
  }

  function button(label, className, onClick) {
    const b = el("button", className, label);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  const launcher = button(TITLE, "launcher", () => (panel.hidden ? open() : close()));
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "aios-panel");
  launcher.prepend(icon());

  const panel = el("section", "panel");
  panel.id = "aios-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", TITLE);

  const header = el("header", "head");
  const heading = el("h2", "title", TITLE);
  const who = el("p", "who", "");
  const fresh = button("New", "ghost", () => restart());
  fresh.setAttribute("aria-label", "Start a new conversation");
  const closer = button("\u00D7", "ghost close", () => close());
  closer.setAttribute("aria-label", "Close " + TITLE);
  const titles = el("div", "titles");
  titles.append(heading, who);
  header.append(titles, fresh, closer);

  const log = el("div", "log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", "Conversation");
  log.tabIndex = 0;

  const form = el("form", "compose");
  const input = el("textarea", "input");
  input.rows = 2;
  input.maxLength = 4000;
  input.placeholder = "Ask or tell " + TITLE + "\u2026";
  input.setAttribute("aria-label", "Message to " + TITLE);
  const send = el("button", "send", "Send");
  send.type = "submit";
  form.append(input, send);

  panel.append(header, log, form);
  root.append(launcher, panel);
  (document.body || document.documentElement).appendChild(host);

  // ---------------------------------------------------------------- behaviour

  let busy = false;
  let queue = Promise.resolve(); // turns run one after the other
  let liveCard = null; // the one confirmation whose buttons still work (a newer one retires it)
  let started = false;
  let memory = null; // the session id, also when sessionStorage is unavailable
  let plan = null; // the <ol> of the latest plan, for step progress

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    input.focus();
    if (!started) {
      started = true;
      start();
    }
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  panel.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      close();
    }
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text || busy) return;
    input.value = "";
    say(text);
  });

  async function start() {
    if (!KEY) {
      problemNote("This page embeds the widget without a key (data-aios-key).");
      return;
    }
    try {
      const me = await json("GET", "/v1/me");
      who.textContent = (me.display_name || me.name) + " \u00B7 " + me.role;
    } catch (error) {
      problemNote(error.message);
      return;
    }
    const session = stored();
    if (!session) return greet();
    try {
      const items = await json("GET", sessionPath(session) + "/transcript");
      replay(items);
      if (!items.length) greet();
    } catch (error) {
      if (error.status === 404) {
        forget();
        greet();
      } else problemNote(error.message);
    }
  }

  function greet() {
    note("Ask a question about company policy, or ask for something to be done.");
  }

  function restart() {
    if (busy) return;
    forget();
    log.replaceChildren();
    plan = null;
    greet();
    input.focus();
  }

  function stored() {
    try {
      return sessionStorage.getItem(STORED);
    } catch (_) {
      return null;
    }
  }

  function remember(id) {
    try {
      sessionStorage.setItem(STORED, id);
    } catch (_) {
      /* storage blocked: the conversation lasts as long as the page */
    }
  }

  function forget() {
    memory = null;
    try {
      sessionStorage.removeItem(STORED);
    } catch (_) {
      /* nothing stored */
    }
  }

  async function session() {
    const known = stored() || memory;
    if (known) return known;
    const created = await json("POST", "/v1/sessions", {});
    memory = created.id;
    remember(created.id);
    return created.id;
  }

  function say(text) {
    bubble("user", text);
    return queued(() => turn((id) => sessionPath(id) + "/messages", { text }, true));
  }

  /** A decision names the confirmation it answers, as shown: the server refuses one that
   * was replaced or already decided (409), so an old card never decides a newer plan. */
  function decide(answer, event) {
    const body = { answer, confirmation_id: event.id, args_hash: event.args_hash };
    return queued(() => turn((id) => sessionPath(id) + "/decision", body, false));
  }

  function sessionPath(id) {
    return "/v1/sessions/" + encodeURIComponent(id);
  }

  function queued(run) {
    queue = queue.then(run, run);
    return queue;
  }

  /** One turn: post, then draw each event as it streams in. A session the API no longer
   * knows (another key, expired) is replaced once, for a new message only. */
  async function turn(path, body, mayRenew) {
    setBusy(true);
    const working = el("p", "working", "Working\u2026");
    working.setAttribute("role", "status");
    log.append(working);
    scroll();
    let finished = false;
    try {
      let id = await session();
      let response;
      try {
        response = await call("POST", path(id), body, true);
      } catch (error) {
        if (!(mayRenew && error.status === 404 && error.code === "not_found")) throw error;
        forget();
        id = await session();
        response = await call("POST", path(id), body, true);
      }
      await readEvents(response, (type, data) => {
        let event;
        try {
          event = JSON.parse(data);
        } catch (_) {
          return;
        }
        if (event && typeof event === "object") {
          if (event.type === "done") finished = true;
          if (event.type === "done" && event.status !== "awaiting_confirmation") retire("Answered.");
          working.before(draw(event, true) || document.createTextNode(""));
          scroll();
        }
      });
      if (!finished) problemNote("The reply was cut off. Ask again to continue.");
      return null;
    } catch (error) {
      if (error instanceof ApiError) problemNote(error.message, error.retryAfter);
      else problemNote("The connection to the assistant was lost. Ask again to continue.");
      return error instanceof ApiError ? error.code : "connection";
    } finally {
      working.remove();
      setBusy(false);
      if (!panel.hidden && !root.activeElement) input.focus();
    }
  }

  function setBusy(value) {
    busy = value;
    send.disabled = value;
    log.setAttribute("aria-busy", String(value));
  }

  function replay(items) {
    let last = null;
    let status = null;
    for (const item of items) {
      if (typeof item.said === "string") bubble("user", item.said);
      const event = item.event || {};
      if (event.type === "done") status = event.status;
      const node = draw(event, false);
      if (node) log.append(node);
      if (event.type === "confirmation_required") last = { event, node };
      else if (event.type === "step_started" && last && last.event.index === event.index) {
        last.node.append(el("p", "outcome", "Approved."));
        last = null;
      }
    }
    // Only the newest confirmation can still be answered, and only while the session waits.
    if (last && status === "awaiting_confirmation" && last.node) {
      last.node.replaceWith(confirmation(last.event, true));
    }
    scroll();
  }

  // ---------------------------------------------------------------- events

  /** The node an event reads as (live: its buttons work); null for one that shows nothing. */
  function draw(event, live) {
    switch (event.type) {
      case "plan":
        return planned(event);
      case "step_started":
        return stepState(event.index, "running", null);
      case "step_finished":
        return finishedStep(event);
      case "confirmation_required":
        return confirmation(event, live);
      case "message":
        return message(event);
      case "clarification":
        return clarification(event, live);
      case "error":
        return failure(event);
      default: // done (the turn's end), and types this widget does not know yet
        return null;
    }
  }

  /** An error in plain words; its code apart, on a details line, for whoever supports them. */
  function failure(event) {
    const text = shown(String(event.message || "Something went wrong."));
    const node = errorNote(text.charAt(0).toUpperCase() + text.slice(1));
    if (event.code) node.append(el("span", "details", "Details: " + event.code));
    return node;
  }

  function planned(event) {
    const box = el("div", "card plan");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Plan");
    box.append(el("p", "label", "Plan"));
    if (event.understood) box.append(el("p", "understood", shown(event.understood)));
    const list = el("ol", "steps");
    for (const step of event.steps || []) {
      const item = el("li", "step");
      item.dataset.index = String(step.index);
      item.dataset.state = "planned";
      const mark = el("span", "mark", "\u25CB");
      mark.setAttribute("aria-hidden", "true");
      const state = el("span", "sr", "planned: ");
      item.append(mark, state, el("code", "tool", step.tool), el("span", "desc", shown(step.description)));
      list.append(item);
    }
    box.append(list);
    plan = list;
    return box;
  }

  const MARKS = { planned: "\u25CB", running: "\u25D4", done: "\u2713", failed: "\u2717" };

  function stepState(index, state, detail) {
    if (!plan) return null;
    const item = plan.querySelector('li[data-index="' + Number(index) + '"]');
    if (!item) return null;
    item.dataset.state = state;
    item.querySelector(".mark").textContent = MARKS[state];
    item.querySelector(".sr").textContent = state + ": ";
    const old = item.querySelector(".detail");
    if (old) old.remove();
    if (detail) item.append(el("span", "detail", detail));
    return null;
  }

  /** A finished step in words: what it did, as the assistant says it (event.summary). */
  function finishedStep(event) {
    const detail = event.ok ? shown(event.summary || "Done.") : shown(event.error || "failed");
    stepState(event.index, event.ok ? "done" : "failed", event.ok ? null : detail);
    const line = el("p", event.ok ? "step-line ok" : "step-line failed");
    line.append(
      el("span", "mark", event.ok ? MARKS.done : MARKS.failed),
      el("span", null, event.ok ? " " + detail : " Failed: " + detail)
    );
    line.firstChild.setAttribute("aria-hidden", "true");
    line.title = event.tool;
    return line;
  }

  function confirmation(event, live) {
    const card = el("div", "card confirm");
    card.setAttribute("role", "group");
    const four = event.decision === "approve";
    card.setAttribute("aria-label", four ? "Needs approval" : "Please confirm");
    card.append(el("p", "label", four ? "Needs approval by " + (event.approver_role || "an approver") : "Please confirm"));
    card.append(el("p", "what", shown(event.text)));
    const args = el("dl", "args");
    args.setAttribute("aria-label", "Exactly what will be sent to " + event.tool);
    for (const a of event.arguments || []) {
      args.append(el("dt", null, shown(a.label)), el("dd", null, shown(a.value)));
    }
    card.append(args);
    if (event.reason) card.append(el("p", "reason", shown(event.reason)));
    if (four) {
      card.append(
        el("p", "hint", "Four-eyes: someone with the " + (event.approver_role || "approver") +
          " role decides" + (event.approval_id ? " request " + event.approval_id : "") +
          " in their own chat; the outcome shows in this conversation.")
      );
      return card;
    }
    if (!live) return card;
    retire("Replaced by the newer confirmation below.");
    const actions = el("div", "actions");
    const outcome = el("p", "outcome", "");
    const close = (label) => {
      approve.disabled = true;
      reject.disabled = true;
      outcome.textContent = label;
      if (actions.isConnected) actions.replaceWith(outcome);
      if (liveCard && liveCard.card === card) liveCard = null;
    };
    const choose = (answer, label) => async () => {
      close(label);
      const refused = await decide(answer, event);
      if (refused === "replaced") outcome.textContent = "Not done: this confirmation was replaced.";
      else if (refused === "already_decided") outcome.textContent = "Not done: already decided.";
      else if (refused) outcome.textContent = "Not done.";
    };
    const approve = button("Approve", "choice primary", choose("approve", "Approved."));
    const reject = button("Reject", "choice", choose("reject", "Rejected."));
    approve.setAttribute("aria-label", "Approve: " + shown(event.text));
    reject.setAttribute("aria-label", "Reject: " + shown(event.text));
    actions.append(approve, reject);
    card.append(actions);
    liveCard = { card, close };
    queueMicrotask(() => approve.focus());
    return card;
  }

  /** Take the buttons off the live confirmation: answered, or replaced by a newer one. */
  function retire(label) {
    if (liveCard) liveCard.close(label);
    liveCard = null;
  }

  function message(event) {
    const box = el("div", "msg assistant");
    rich(box, shown(event.text || ""));
    const cites = event.citations || [];
    if (cites.length) {
      const sources = el("div", "sources");
      sources.setAttribute("role", "group");
      sources.setAttribute("aria-label", "Sources");
      sources.append(el("p", "label", "Sources"));
      const list = el("ul", "cites");
      for (const c of cites) {
        const item = el("li", "cite");
        const name = shown(c.title || c.source) + (c.heading ? " \u203A " + shown(c.heading) : "");
        item.append(el("span", "cite-name", name), el("span", "cite-source", c.source));
        // A passage the answer already quotes is not shown again.
        const quoted = shown(event.text || "").replace(/\*\*/g, "").includes(shown(c.snippet || ""));
        if (c.snippet && !quoted) item.append(el("span", "cite-snippet", shown(c.snippet)));
        list.append(item);
      }
      sources.append(list);
      box.append(sources);
    }
    return box;
  }

  function clarification(event, live) {
    const box = el("div", "card ask");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Question");
    box.append(el("p", "question", shown(event.question)));
    const options = event.options || [];
    if (options.length) {
      const row = el("div", "options");
      for (const option of options) {
        const b = button(shown(option), "choice option", () => {
          if (!busy) say(shown(option));
        });
        b.disabled = !live;
        row.append(b);
      }
      box.append(row);
    }
    return box;
  }

  function bubble(who, text) {
    const node = el("p", "msg " + who, text);
    log.append(node);
    scroll();
    return node;
  }

  function note(text) {
    const node = el("p", "note", text);
    log.append(node);
    scroll();
    return node;
  }

  function errorNote(text) {
    const node = el("p", "error", text);
    node.setAttribute("role", "alert");
    return node;
  }

  function problemNote(text, retryAfter) {
    const node = errorNote(text);
    log.append(node);
    scroll();
    if (retryAfter) {
      send.disabled = true;
      setTimeout(() => (send.disabled = busy), retryAfter * 1000);
    }
  }

  function scroll() {
    log.scrollTop = log.scrollHeight;
  }

  // ---------------------------------------------------------------- text

  /** The core escapes '<' for channels that render HTML; here nothing is HTML, so show it. */
  function shown(text) {
    return String(text === undefined || text === null ? "" : text).replace(/&lt;/g, "<");
  }

  /** A little of the Markdown the assistant writes (paragraphs, quotes, bullets, **bold**,
   * `code`, [links](…) as text), built from text nodes: nothing in it can become markup. */
  function rich(parent, text) {
    for (const block of text.split(/\n[ \t]*\n/)) {
      if (!block.trim()) continue;
      const lines = block.split("\n");
      if (lines.length > 1 && /^\s*\|/.test(lines[0]) && /^\s*\|?\s*:?-{2,}/.test(lines[1])) {
        parent.append(table(lines));
        continue;
      }
      if (/^\s*>/.test(lines[0])) {
        const quote = el("blockquote", "quote");
        rich(quote, lines.map((l) => l.replace(/^\s*> ?/, "")).join("\n"));
        parent.append(quote);
        continue;
      }
      let list = null;
      let para = null;
      for (const raw of lines) {
        const bullet = /^\s*[-*] +(.*)$/.exec(raw);
        if (bullet) {
          if (!list) parent.append((list = el("ul", "bullets")));
          para = null;
          const item = el("li");
          inline(item, bullet[1]);
          list.append(item);
          continue;
        }
        list = null;
        if (!para) parent.append((para = el("p", "para")));
        else para.append(document.createElement("br"));
        inline(para, raw);
      }
    }
  }

  /** A Markdown table (header, separator, rows) as a table element. */
  function table(lines) {
    const cellsOf = (line) => line.trim().replace(/^\|/, "").replace(/\|$/, "").split("|");
    const box = el("table", "md-table");
    const head = el("tr");
    for (const cell of cellsOf(lines[0])) {
      const th = el("th");
      inline(th, cell.trim());
      head.append(th);
    }
    box.append(head);
    for (const line of lines.slice(2)) {
      if (!/^\s*\|/.test(line)) break;
      const row = el("tr");
      for (const cell of cellsOf(line)) {
        const td = el("td");
        inline(td, cell.trim());
        row.append(td);
      }
      box.append(row);
    }
    return box;
  }

  function inline(parent, text) {
    text = text.replace(/\[([^\]\n]*)\]\(([^()\s]*)\)/g, (_, label, href) => label + " (" + href + ")");
    const parts = text.split(/(\*\*[^*]+\*\*|`[^`]+`)/);
    for (const part of parts) {
      if (!part) continue;
      if (part.startsWith("**") && part.endsWith("**") && part.length > 4) {
        parent.append(el("strong", null, part.slice(2, -2)));
      } else if (part.startsWith("`") && part.endsWith("`") && part.length > 2) {
        parent.append(el("code", null, part.slice(1, -1)));
      } else {
        parent.append(document.createTextNode(part.replace(/(^|[^*])\*([^*\s][^*]*)\*/g, "$1$2")));
      }
    }
  }

  // ---------------------------------------------------------------- looks

  function CSS() {
    return `
:host { all: initial; }
* { box-sizing: border-box; }
.launcher, .panel {
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1d2433;
}
[hidden] { display: none !important; }
.launcher {
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483646;
  display: inline-flex; align-items: center; gap: 8px;
  padding: 10px 16px; border: 0; border-radius: 999px; cursor: pointer;
  background: #1f5fbf; color: #fff; font-weight: 600;
  box-shadow: 0 4px 14px rgba(0,0,0,.25);
}
.launcher:hover { background: #184f9f; }
button:focus-visible, textarea:focus-visible, .log:focus-visible {
  outline: 3px solid #f0a81c; outline-offset: 2px;
}
.panel {
  position: fixed; right: 20px; bottom: 76px; z-index: 2147483647;
  width: min(400px, calc(100vw - 40px)); height: min(600px, calc(100vh - 100px));
  display: flex; flex-direction: column;
  background: #fff; border: 1px solid #cfd6e4; border-radius: 12px; overflow: hidden;
  box-shadow: 0 10px 30px rgba(0,0,0,.25);
}
.head { display: flex; align-items: center; gap: 6px; padding: 10px 12px; background: #1f5fbf; color: #fff; }
.titles { flex: 1; min-width: 0; }
.title { margin: 0; font-size: 15px; font-weight: 650; }
.who { margin: 0; font-size: 12px; opacity: .85; min-height: 1em; }
.ghost { background: transparent; color: inherit; border: 1px solid rgba(255,255,255,.5); border-radius: 6px; padding: 2px 8px; cursor: pointer; font: inherit; }
.close { font-size: 18px; line-height: 1; padding: 2px 8px; }
.log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; background: #f5f7fb; }
.msg { margin: 0; padding: 8px 10px; border-radius: 10px; max-width: 90%; white-space: pre-wrap; overflow-wrap: anywhere; }
.msg.user { align-self: flex-end; background: #1f5fbf; color: #fff; }
.msg.assistant { align-self: flex-start; background: #fff; border: 1px solid #dde3ee; white-space: normal; }
.para { margin: 0 0 6px; white-space: pre-wrap; }
.para:last-child { margin-bottom: 0; }
.md-table { border-collapse: collapse; margin: 4px 0 6px; font-size: 13px; }
.md-table th, .md-table td { border: 1px solid #d5dce8; padding: 3px 8px; text-align: left; vertical-align: top; }
.md-table th { background: #f1f4f9; }
.quote { margin: 4px 0 6px; padding: 2px 0 2px 10px; border-left: 3px solid #b9c4d8; color: #3b4558; }
.bullets { margin: 2px 0 6px; padding-left: 18px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; background: #eef1f7; padding: 0 3px; border-radius: 3px; }
.card { background: #fff; border: 1px solid #dde3ee; border-radius: 10px; padding: 8px 10px; }
.label { margin: 0 0 4px; font-size: 11px; font-weight: 700; letter-spacing: .04em; text-transform: uppercase; color: #5b6578; }
.understood, .what, .question { margin: 0 0 6px; overflow-wrap: anywhere; }
.what { font-weight: 600; }
.steps { margin: 0; padding-left: 0; list-style: none; }
.step { display: flex; flex-wrap: wrap; gap: 6px; align-items: baseline; padding: 2px 0; }
.step .mark { width: 1em; text-align: center; }
.step[data-state=done] .mark { color: #1b7f3b; }
.step[data-state=failed] .mark { color: #b3261e; }
.step[data-state=running] .mark { color: #1f5fbf; }
.desc { flex: 1 1 180px; overflow-wrap: anywhere; }
.detail { font-size: 12px; color: #5b6578; }
.step-line { margin: 0; font-size: 12px; color: #3b4558; display: flex; gap: 6px; align-items: baseline; }
.step-line.ok .mark { color: #1b7f3b; }
.step-line.failed { color: #b3261e; }
.confirm { border-color: #f0a81c; background: #fffaf0; }
.args { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0 0 6px; font-size: 12px; }
.args dt { color: #5b6578; }
.args dd { margin: 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; white-space: pre-wrap; }
.reason, .hint { margin: 0 0 6px; font-size: 12px; color: #5b6578; font-style: italic; }
.actions, .options { display: flex; flex-wrap: wrap; gap: 8px; }
.choice { font: inherit; padding: 6px 14px; border-radius: 6px; border: 1px solid #9aa6bd; background: #fff; color: #1d2433; cursor: pointer; }
.choice.primary { background: #1b7f3b; border-color: #1b7f3b; color: #fff; }
.choice:disabled { opacity: .55; cursor: default; }
.outcome { margin: 0; font-weight: 600; color: #3b4558; }
.sources { margin-top: 8px; padding-top: 6px; border-top: 1px solid #e6eaf2; }
.cites { margin: 0; padding-left: 16px; font-size: 12px; }
.cite { margin-bottom: 4px; }
.cite-name { display: block; font-weight: 600; }
.cite-source { display: block; color: #5b6578; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.cite-snippet { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; color: #3b4558; }
.note, .working { margin: 0; font-size: 12px; color: #5b6578; text-align: center; }
.error { margin: 0; padding: 8px 10px; border-radius: 8px; background: #fdecea; color: #8c1d18; border: 1px solid #f3b8b2; overflow-wrap: anywhere; }
.error .details { display: block; margin-top: 4px; font-size: 12px; opacity: 0.8; }
.compose { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #dde3ee; background: #fff; }
.input { flex: 1; resize: none; font: inherit; color: inherit; padding: 6px 8px; border: 1px solid #b9c4d8; border-radius: 8px; }
.send { font: inherit; font-weight: 600; padding: 0 14px; border: 0; border-radius: 8px; background: #1f5fbf; color: #fff; cursor: pointer; }
.send:disabled { opacity: .55; cursor: default; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (prefers-reduced-motion: no-preference) { .panel { transition: opacity .12s; } }
`;
  }
})();
