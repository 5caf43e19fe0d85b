/*
 * aios voice page: push-to-talk over the same API as every other channel.
 *
 * Hold the button: the microphone records (MediaRecorder). Let go: the recording goes to
 * /v1/voice/transcribe, the text is shown and posted as a message to the session
 * (/v1/sessions/{id}/messages, events streamed as SSE), and what the assistant says is spoken
 * through /v1/voice/speech. Pressing the button again while it speaks stops it (barge-in).
 * The person signs in with their user name and password (/v1/voice/sign-in), which gives the
 * tab a short-lived API key that sign-out revokes; or, as an advanced choice, types in an API
 * key of their own, which sign-out only forgets. The key is kept in sessionStorage for the
 * tab. Everything the assistant says is put on the page with textContent, never parsed as HTML.
 */
(() => {
  "use strict";

  const KEY = "aios-voice:key";
  const SESSION = "aios-voice:session";
  const SIGNED_IN = "aios-voice:signed-in"; // who, when the key came from signing in
  const UNSURE = 0.3; // below this, the page repeats what it heard before acting on it
  const $ = (id) => document.getElementById(id);
  const talk = $("talk");
  const status = $("status");
  const log = $("log");
  const reply = $("reply");

  let recorder = null;
  let chunks = [];
  let speaking = 0; // bumps on barge-in, so a reply still being fetched is not played
  let unsure = null; // a transcript waiting for "yes" before it is sent

  // ---------------------------------------------------------------- the API

  async function call(path, init) {
    const headers = Object.assign({ Authorization: "Bearer " + sessionStorage.getItem(KEY) }, init.headers);
    const response = await fetch(path, Object.assign({}, init, { headers, cache: "no-store" }));
    if (!response.ok) {
      let detail = "The assistant answered " + response.status + ".";
      try {
        const body = await response.json();
        if (body && typeof body.detail === "string") detail = body.detail;
      } catch (_) {
        /* not problem+json */
      }
      const error = new Error(detail);
      error.status = response.status;
      throw error;
    }
    return response;
  }

  async function session() {
    const known = sessionStorage.getItem(SESSION);
    if (known) return known;
    const created = await (await call("/v1/sessions", { method: "POST" })).json();
    sessionStorage.setItem(SESSION, created.id);
    return created.id;
  }

  /** Server-Sent Events of a POST, read by hand (EventSource cannot POST). */
  async function events(response, onEvent) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
      const frames = buffer.split(/\r\n\r\n|\n\n|\r\r/);
      buffer = done ? "" : frames.pop();
      for (const frame of frames) {
        const data = frame
          .split(/\r\n|\n|\r/)
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).replace(/^ /, ""));
        if (data.length) onEvent(JSON.parse(data.join("\n")));
      }
      if (done) return;
    }
  }

  // ---------------------------------------------------------------- speaking

  function spoken(text) {
    return text.replace(/\*\*|`|\*/g, "");
  }

  async function speak(text) {
    const mine = ++speaking;
    const response = await call("/v1/voice/speech", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: spoken(text).slice(0, 1000) }),
    });
    const audio = await response.blob();
    if (mine !== speaking) return; // the user started talking meanwhile
    if (reply.src) URL.revokeObjectURL(reply.src);
    reply.src = URL.createObjectURL(audio);
    reply.dataset.state = "playing";
    await reply.play();
  }

  function stopSpeaking() {
    speaking++;
    if (!reply.paused) {
      reply.pause();
      reply.dataset.state = "stopped";
    }
  }

  reply.addEventListener("ended", () => (reply.dataset.state = "ended"));

  // ---------------------------------------------------------------- the conversation

  function line(kind, text) {
    const item = document.createElement("li");
    item.className = kind;
    item.textContent = text;
    log.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
  }

  /** What an event shows, and what of it is read out. */
  function render(event) {
    switch (event.type) {
      case "plan":
        line("aios", event.understood);
        return event.understood;
      case "confirmation_required": {
        // A stop after what will be done, whatever it ends with ("… (order SO-1042)").
        const text = /[.?!]\s*$/.test(event.text) ? event.text.trimEnd() : event.text.trimEnd() + ".";
        const ask = event.decision === "approve"
          ? text + " This needs approval by " + event.approver_role + "."
          : text + " Say yes, confirm, to go ahead, or no to cancel.";
        line("confirm", ask);
        return ask;
      }
      case "message":
        line("aios", spoken(event.text));
        return event.text;
      case "clarification": {
        const options = event.options.length ? " " + event.options.join(", or ") + "?" : "";
        line("aios", event.question + options);
        return event.question + options;
      }
      case "error":
        line("error", event.message);
        return event.message;
      default:
        return "";
    }
  }

  async function send(text) {
    const id = await session();
    const response = await call("/v1/sessions/" + encodeURIComponent(id) + "/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify({ text }),
    });
    const said = [];
    await events(response, (event) => said.push(render(event)));
    const words = said.filter(Boolean).join(" ");
    if (words) await speak(words);
  }

  /** Whether the session waits for a decision (asked of the server: a reload forgets). */
  async function waiting() {
    const id = sessionStorage.getItem(SESSION);
    if (!id) return false;
    const path = "/v1/sessions/" + encodeURIComponent(id) + "/pending";
    return (await (await call(path, { method: "GET" })).json()) !== null;
  }

  /** Ask the operator something of the page's own: shown in the log as it is said. */
  function askBack(text) {
    line("aios", text);
    return speak(text);
  }

  /** What to do with a transcript: send it, or first make sure it was heard right. */
  async function heard(result) {
    line("you", result.text);
    if (unsure !== null) {
      const held = unsure;
      unsure = null;
      if (/^\s*(yes|yeah|yep|right|correct)\b/i.test(result.text)) return send(held);
      return askBack("Then please say it again.");
    }
    if (/^\s*(yes|yeah|yep|ok|okay|sure)\s*[.!]*\s*$/i.test(result.text) && (await waiting())) {
      // A confirmation by voice must be explicit: a stray "yes" is too easy to mishear.
      return askBack("To go ahead, say: yes, confirm.");
    }
    if (result.confidence < UNSURE) {
      unsure = result.text;
      return askBack("I heard: " + result.text.replace(/[.!?\s]+$/, "") + ". Is that right?");
    }
    return send(result.text);
  }

  // ---------------------------------------------------------------- the microphone

  async function start() {
    stopSpeaking();
    if (recorder) return;
    talk.setAttribute("aria-pressed", "true");
    status.textContent = "Listening…";
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      recorder = new MediaRecorder(stream);
    } catch (error) {
      talk.setAttribute("aria-pressed", "false");
      status.textContent = "The microphone is not available: " + error.message;
      return;
    }
    chunks = [];
    recorder.ondataavailable = (e) => e.data.size && chunks.push(e.data);
    recorder.start();
    talk.dataset.recording = "true";
  }

  async function stop() {
    const current = recorder;
    if (!current) return;
    recorder = null;
    talk.setAttribute("aria-pressed", "false");
    delete talk.dataset.recording;
    const stopped = new Promise((resolve) => (current.onstop = resolve));
    current.stop();
    await stopped;
    current.stream.getTracks().forEach((track) => track.stop());
    const audio = new Blob(chunks, { type: current.mimeType || "audio/webm" });
    status.textContent = "Thinking…";
    try {
      const response = await call("/v1/voice/transcribe", {
        method: "POST",
        headers: { "Content-Type": audio.type.split(";")[0] },
        body: audio,
      });
      await heard(await response.json());
      status.textContent = "";
    } catch (error) {
      status.textContent = error.message;
      if (error.status === 401) forget("Your sign-in has ended: please sign in again.");
    }
  }

  talk.addEventListener("pointerdown", (e) => {
    talk.setPointerCapture(e.pointerId);
    start();
  });
  talk.addEventListener("pointerup", stop);
  talk.addEventListener("pointercancel", stop);
  document.addEventListener("keydown", (e) => {
    if (e.code === "Space" && !e.repeat && e.target.tagName !== "INPUT") {
      e.preventDefault();
      start();
    }
  });
  document.addEventListener("keyup", (e) => {
    if (e.code === "Space" && e.target.tagName !== "INPUT") stop();
  });

  // ---------------------------------------------------------------- signing in and out

  function signedIn() {
    const has = Boolean(sessionStorage.getItem(KEY));
    const who = sessionStorage.getItem(SIGNED_IN);
    $("sign-in").hidden = has;
    $("voice").hidden = !has;
    $("who").textContent = who ? "Signed in as " + who + "." : "Using your API key.";
  }

  /** Drop the key and the conversation from this tab, saying why if there is a reason. */
  function forget(why) {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(SESSION);
    sessionStorage.removeItem(SIGNED_IN);
    $("sign-in-error").textContent = why || "";
    signedIn();
  }

  async function signOut() {
    if (sessionStorage.getItem(SIGNED_IN)) {
      // The key signing in made ends now; one typed in is the person's to keep.
      await call("/v1/voice/sign-out", { method: "POST" }).catch(() => {});
    }
    forget("");
  }

  async function signIn(userName, password) {
    const response = await fetch("/v1/voice/sign-in", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ user_name: userName, password }),
      cache: "no-store",
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      $("sign-in-error").textContent = body.detail || "Signing in failed (" + response.status + ").";
      return;
    }
    sessionStorage.setItem(KEY, body.key);
    sessionStorage.setItem(SIGNED_IN, (body.display_name || body.user) + " (" + body.role + ")");
    $("sign-in-error").textContent = "";
    signedIn();
  }

  async function demoHint() {
    const response = await fetch("/v1/voice/sign-in", { cache: "no-store" });
    const hint = response.ok ? (await response.json()).demo : "";
    $("demo-hint").textContent = hint;
    $("demo-hint").hidden = !hint;
  }

  $("password-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("sign-in-error").textContent = "";
    await signIn($("user-name").value.trim(), $("password").value);
    $("password").value = "";
  });
  $("key-form").addEventListener("submit", (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY, $("key").value.trim());
    sessionStorage.removeItem(SIGNED_IN);
    $("key").value = "";
    $("sign-in-error").textContent = "";
    signedIn();
  });
  $("forget").addEventListener("click", signOut);
  signedIn();
  demoHint();
})();
