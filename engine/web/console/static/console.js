// twoway console: live updates by Server-Sent Events (the inbox, a thread, the rules page), the
// reply's counter (asked of the server: the engine's own splitter counts the parts, there is
// none here), and the simulator's keys.
"use strict";

function refresh(url, target) {
  return fetch(url, { credentials: "same-origin", cache: "no-store" })
    .then((response) => {
      if (response.status === 401) { window.location.assign("/login?notice=no-session"); return null; }
      return response.ok ? response.text() : null;
    })
    .then((html) => { if (html !== null) { target.innerHTML = html; } })
    .catch(() => {});
}

function live() {
  const kind = document.body.dataset.live;
  if (!kind || FOLLOWED[kind] || !window.EventSource) { return; }  // those: follow()
  const events = new EventSource("/events");
  events.addEventListener("inbox", () => {
    if (kind === "inbox") {
      refresh("/inbox/rows", document.getElementById("threads"));
    } else if (kind === "thread") {
      const id = document.body.dataset.thread;
      refresh("/threads/" + encodeURIComponent(id) + "/messages", document.getElementById("messages"));
    }
  });
  events.addEventListener("rules", () => {
    if (kind === "rules") { refresh("/rules/part", document.getElementById("rules")); }
  });
  events.addEventListener("open", () => { document.body.dataset.connected = "yes"; });
}

// At most one fetch a second, whatever the number of events: the first at once, the others
// gathered into one a second after it.
function throttled(work) {
  let timer = null;
  let again = false;
  const run = () => {
    again = false;
    Promise.resolve(work()).finally(() => {
      timer = setTimeout(() => { timer = null; if (again) { run(); } }, 1000);
    });
  };
  return () => { if (timer === null) { run(); } else { again = true; } };
}

// A result's page follows the votes and answers (messages); a campaign's, its sends (campaigns,
// delivery) and the replies it draws (messages).
const FOLLOWED = {
  result: { events: ["messages"], part: (name) => "/results/" + name + "/tally", target: "result" },
  campaign: { events: ["campaigns", "delivery", "messages"], part: (name) => "/campaigns/" + name + "/progress", target: "progress" },
  campaigns: { events: ["campaigns", "delivery"], part: () => "/campaigns/-/rows", target: "campaigns" },
};

function follow() {
  const kind = document.body.dataset.live;
  const followed = FOLLOWED[kind];
  if (!followed || !window.EventSource) { return; }
  const name = encodeURIComponent(document.body.dataset.name || "");
  const target = document.getElementById(followed.target);
  const update = throttled(() => refresh(followed.part(name), target).then(() => {
    document.body.dataset.updates = String(Number(document.body.dataset.updates || "0") + 1);
  }));
  const events = new EventSource("/events");
  followed.events.forEach((event) => events.addEventListener(event, update));
  events.addEventListener("open", () => { document.body.dataset.connected = "yes"; });
}

function counter() {
  const text = document.getElementById("text");
  const out = document.getElementById("counter");
  if (!text || !out) { return; }
  let timer = null;
  let asked = 0;
  const ask = () => {
    const mine = ++asked;
    fetch("/count?text=" + encodeURIComponent(text.value), { credentials: "same-origin", cache: "no-store" })
      .then((response) => (response.ok ? response.json() : null))
      .then((counted) => {
        if (counted === null || mine !== asked) { return; }
        out.textContent = counted.said;
        out.classList.toggle("over", counted.parts > counted.most);
      })
      .catch(() => {});
  };
  text.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(ask, 150); });
  ask();
}

// A form that cannot be undone (a campaign's start, its cancel) asks first; its words come
// from the page, in the person's language.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) { event.preventDefault(); }
});

// The simulator: Enter in a field presses that field's own button (Shift+Enter: a new line in
// the message), and the conversation shows its last line.
function simulator() {
  const form = document.querySelector("form.simulator");
  if (!form) { return; }
  form.querySelectorAll("[data-submit]").forEach((field) => {
    field.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.shiftKey || event.isComposing) { return; }
      event.preventDefault();
      form.querySelector("button[value='" + field.dataset.submit + "']").click();
    });
  });
  const transcript = document.getElementById("transcript");
  if (transcript && transcript.lastElementChild) { transcript.lastElementChild.scrollIntoView({ block: "nearest" }); }
}

document.addEventListener("DOMContentLoaded", () => { live(); follow(); counter(); simulator(); });
