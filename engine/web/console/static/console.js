// twoway console: live updates by Server-Sent Events (the inbox, a thread, the rules page), the
// reply's counter (asked of the server: the engine's own splitter counts the parts, there is
// none here), canned replies, the simulator's keys, and, when the person asks for them,
// notifications of new hand-offs (a short tone made by WebAudio if they also ask for a sound:
// nothing is fetched from elsewhere).
"use strict";

function refresh(url, target) {
  return fetch(url, { credentials: "same-origin", cache: "no-store" })
    .then((response) => {
      if (response.status === 401) { window.location.assign("/login?notice=no-session"); return null; }
      return response.ok ? response.text() : null;
    })
    .then((html) => { if (html !== null) { target.innerHTML = html; } return html !== null; })
    .catch(() => false);
}

function threadIds() {
  return new Set(Array.from(document.querySelectorAll("#threads tr.thread"), (row) => row.dataset.thread));
}

function refreshInbox() {
  const before = threadIds();
  return refresh("/inbox/rows", document.getElementById("threads")).then((changed) => {
    if (!changed) { return; }
    const fresh = Array.from(document.querySelectorAll("#threads tr.thread"))
      .filter((row) => !before.has(row.dataset.thread));
    if (fresh.length) { alertOf(fresh); }
  });
}

function refreshMessages() {
  const id = document.body.dataset.thread;
  return refresh("/threads/" + encodeURIComponent(id) + "/messages", document.getElementById("messages"));
}

function live() {
  const kind = document.body.dataset.live;
  if (!kind || FOLLOWED[kind] || !window.EventSource) { return; }  // those: follow()
  const events = new EventSource("/events");
  let turn = 0;
  const counted = (work) => () => {
    work().then(() => { turn += 1; document.body.dataset.refreshed = String(turn); });
  };
  if (kind === "inbox") {
    events.addEventListener("inbox", counted(refreshInbox));
  } else if (kind === "thread") {
    events.addEventListener("inbox", counted(refreshMessages));
    events.addEventListener("delivery", counted(refreshMessages));
  }
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
  if (!text || !out) { return null; }
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
  return ask;
}

function canned(ask) {
  const select = document.getElementById("canned");
  const text = document.getElementById("text");
  if (!select || !text) { return; }
  select.addEventListener("change", () => {
    const chosen = select.options[select.selectedIndex];
    if (!chosen || !chosen.value) { return; }
    text.value = chosen.dataset.text;
    text.focus();
    if (ask) { ask(); }
  });
}

// --- notifications of new hand-offs -------------------------------------------------------

function tone() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) { return; }
  const audio = new Context();
  const beep = audio.createOscillator();
  const gain = audio.createGain();
  beep.frequency.value = 880;
  gain.gain.setValueAtTime(0.15, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
  beep.connect(gain).connect(audio.destination);
  beep.start();
  beep.stop(audio.currentTime + 0.4);
  beep.addEventListener("ended", () => audio.close());
}

function alertOf(rows) {
  const alerts = document.getElementById("alerts");
  if (!alerts || !window.Notification || Notification.permission !== "granted") { return; }
  if (localStorage.getItem("twoway-notify") !== "yes") { return; }
  for (const row of rows) {
    const link = row.querySelector("a");
    const shown = new Notification(alerts.dataset.title, { body: link ? link.textContent : "", tag: "thread-" + row.dataset.thread });
    shown.addEventListener("click", () => { window.focus(); if (link) { window.location.assign(link.href); } });
  }
  if (localStorage.getItem("twoway-sound") === "yes") { tone(); }
}

function notifications() {
  const alerts = document.getElementById("alerts");
  if (!alerts || !window.Notification) { return; }
  const button = document.getElementById("notify");
  const sound = document.getElementById("sound");
  const state = document.getElementById("notify-state");
  const show = () => {
    const on = Notification.permission === "granted" && localStorage.getItem("twoway-notify") === "yes";
    button.setAttribute("aria-pressed", on ? "true" : "false");
    state.textContent = on ? alerts.dataset.on : Notification.permission === "denied" ? alerts.dataset.blocked : "";
  };
  alerts.hidden = false;
  sound.checked = localStorage.getItem("twoway-sound") === "yes";
  sound.addEventListener("change", () => { localStorage.setItem("twoway-sound", sound.checked ? "yes" : "no"); });
  button.addEventListener("click", () => {
    if (button.getAttribute("aria-pressed") === "true") {
      localStorage.setItem("twoway-notify", "no");
      show();
      return;
    }
    Notification.requestPermission().then((answer) => {
      localStorage.setItem("twoway-notify", answer === "granted" ? "yes" : "no");
      show();
    });
  });
  show();
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

document.addEventListener("DOMContentLoaded", () => {
  live();
  follow();
  notifications();
  canned(counter());
  simulator();
});
