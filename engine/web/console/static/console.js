// twoway console: live updates by Server-Sent Events, the reply's counter (asked of the
// server: the engine's own splitter counts the parts, there is none here), canned replies,
// and, when the person asks for them, notifications of new hand-offs (a short tone made by
// WebAudio if they also ask for a sound: nothing is fetched from elsewhere).
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
  if (!kind || !window.EventSource) { return; }
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
  events.addEventListener("open", () => { document.body.dataset.connected = "yes"; });
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

// --- the reply box ------------------------------------------------------------------------

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

document.addEventListener("DOMContentLoaded", () => {
  live();
  notifications();
  canned(counter());
});
