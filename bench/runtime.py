"""Benchmark the hot path of twoway: the pure runtime, then end to end through a real SQLite file.

Run from the repository root::

    python bench/runtime.py                 # full run (about a minute)
    python bench/runtime.py --quick         # smoke run (a few seconds)
    python bench/runtime.py --only pure --keywords 10000 --flows 100 --seconds 10
    python bench/runtime.py --only e2e --messages 50000 --e2e-rules both

Part 1 (pure runtime) generates a rule set of ``--keywords`` keywords in ``--flows`` files (90 %
``autoreply`` files, 10 % ``flow``/``poll``/``survey`` files with waits, patterns and conditions),
compiles it with ``compile_rules`` and drives ``step()`` directly on one core with a pre-built mix
of inputs. Target: >= 50,000 decisions/s.

Part 2 (end to end) runs a real ``Service`` on a SQLite file (WAL, synchronous=FULL) in a temporary
folder with the loopback transport, delivers ``--messages`` inbound messages from distinct phones
concurrently (``asyncio.gather`` of ``deliver`` in chunks of ``--concurrency``) and times until
``service.idle()``: every message committed, processed, its replies committed, handed to the
transport and marked sent. Target: >= 5,000 messages/s.

Only local files are used; nothing listens on the network. The run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.core.clock import SystemClock  # noqa: E402
from engine.core.ids import RandomIds  # noqa: E402
from engine.core.messages import Inbound, Outgoing  # noqa: E402
from engine.core.model import Contact, Input, Session  # noqa: E402
from engine.ruleset.compiler import compile_rules  # noqa: E402
from engine.ruleset.ruleset import RuleSet  # noqa: E402
from engine.runtime import step  # noqa: E402
from engine.service import Service  # noqa: E402
from engine.store import SqliteStore  # noqa: E402
from engine.transports.loopback import LoopbackTransport  # noqa: E402

PURE_TARGET = 50_000
E2E_TARGET = 5_000
NUMBER = "36111"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

# Words the generator must not produce: compliance keywords, intents, and our own fixed words.
_RESERVED = {
    "stop", "start", "help", "aide", "info", "end", "quit", "cancel", "arret", "baja", "stopp",
    "hilfe", "ayuda", "unstop", "subscribe", "unsubscribe", "stopall", "abmelden", "desabonner",
    "yes", "no", "oui", "non", "si", "ja", "nein", "ok", "okay", "later", "vote", "price",
    "voter", "survey", "avis", "hours", "horaires", "address", "adresse", "where", "opening",
}  # fmt: skip


# --- rule generation ------------------------------------------------------------------------------


def _words(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """``count`` distinct pronounceable upper-case words, none in ``taken`` (which grows)."""
    consonants, vowels = "bcdfghjklmnprstvz", "aeiou"
    found: list[str] = []
    while len(found) < count:
        size = rng.choice((2, 2, 3, 3, 3, 4))
        word = "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(size))
        if rng.random() < 0.3:
            word += rng.choice(consonants)
        if word in taken or word in _RESERVED:
            continue
        taken.add(word)
        found.append(word.upper())
    return found


def _q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Generated:
    folder: Path
    keywords: list[str]
    """Every keyword, as written (one or two words)."""
    patterns: list[str]
    """The literal first word of every ``PRICE``-like pattern."""
    flow_triggers: list[str]
    polls: list[str]
    surveys: list[str]
    files: int
    stateful: int
    catchalls: int


def generate_rules(folder: Path, keywords: int, flows: int, seed: int = 7) -> Generated:
    """Write ``flows`` rule files holding ``keywords`` keywords in total into ``folder``."""
    rng = random.Random(seed)
    taken: set[str] = set()
    stateful = max(3, flows // 10)
    autoreplies = max(1, flows - stateful)
    singles = _words(rng, keywords, taken)
    all_keywords: list[str] = []
    pattern_words = _words(rng, autoreplies, taken)
    trigger_words = _words(rng, stateful, taken)
    # Spread the keywords over the autoreply files; 10 % are two-word keywords ("OPENING HOURS")
    # whose first word is another keyword, so the longest-match rule is exercised.
    per_file = [
        keywords // autoreplies + (1 if i < keywords % autoreplies else 0)
        for i in range(autoreplies)
    ]
    cursor = 0
    catchalls = 0
    for index in range(autoreplies):
        mine = singles[cursor : cursor + per_file[index]]
        cursor += per_file[index]
        lines = [f"description: Generated autoreply {index}", "autoreply:"]
        i = 0
        while i < len(mine):
            if i + 1 < len(mine) and rng.random() < 0.2:
                group = [mine[i], mine[i + 1]]  # an entry with two synonyms
                i += 2
            else:
                group = [mine[i]]
                i += 1
            if len(mine) > 10 and rng.random() < 0.1 and all_keywords:
                # Make the second synonym (or the only keyword) a two-word keyword.
                group[-1] = f"{rng.choice(all_keywords).split()[0]} {group[-1]}"
            all_keywords.extend(group)
            listed = ", ".join(_q(k) for k in group)
            roll = rng.random()
            if roll < 0.7:
                reply = _q(f"{group[0]}: open 9:00-18:00, details on https://example.com/{index}")
            elif roll < 0.9:
                reply = _q(f"Hello {{contact.name|default('there')}}, {group[0].lower()} is ready.")
            else:
                reply = _q(f"You asked for {{rest|default('{group[0].lower()}')|upper}}.")
            lines.append(f"  - keyword: [{listed}]")
            lines.append(f"    reply: {reply}")
        lines.append(f"  - match: {_q(pattern_words[index] + ' {product:word}')}")
        lines.append(
            f"    reply: {_q('Prices for {product|lower}: https://example.com/p/{product|lower}')}"
        )
        if index < 2:
            catchalls += 1
            phrase = ("gift card", "opening time")[index]
            lines.append(f"  - when: {_q(f'has_phrase(text, {chr(39)}{phrase}{chr(39)})')}")
            lines.append(f"    reply: {_q(f'About {phrase}s: see https://example.com/faq')}")
        (folder / f"auto_{index:03d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    flow_words: list[str] = []
    polls: list[str] = []
    surveys: list[str] = []
    for index in range(stateful):
        word = trigger_words[index]
        kind = ("flow", "poll", "survey")[index % 3]
        if kind == "flow":
            flow_words.append(word)
            text = _FLOW.format(i=index, kw=word, interrupt="true" if index == 0 else "false")
        elif kind == "poll":
            polls.append(word)
            text = _POLL.format(i=index, kw=word)
        else:
            surveys.append(word)
            text = _SURVEY.format(i=index, kw=word)
        (folder / f"{kind}_{index:03d}.yaml").write_text(text, encoding="utf-8")
    (folder / "settings.yaml").write_text(
        "settings:\n  language: en\n  timezone: Europe/Paris\n"
        "  reply_limit: {count: 1000, per: 1h}\n",
        encoding="utf-8",
    )
    return Generated(
        folder,
        all_keywords,
        pattern_words,
        flow_words,
        polls,
        surveys,
        autoreplies + stateful,
        stateful,
        catchalls,
    )


_FLOW = """\
flow: Generated booking {i}
trigger: {{keyword: {kw}, interrupt: {interrupt}}}
states:
  ask:
    say: "Hello {{contact.name|default('there')}}, confirm your booking {i}? Reply YES or NO."
    wait:
      - when: yes
        set: {{booking.status: confirmed, contact.booked: "{{now.date}}"}}
        say: "Confirmed, thank you."
        end: true
      - when: no
        goto: cancel
      - match: "LATER {{when:text}}"
        say: "OK, we will remind you {{when}}."
        end: true
      - when: 'text ~ /^(R|RESCHEDULE)\\b/i'
        say: "Our reception will call you."
        handoff: reception
        end: true
      - when: "has_number_between(text, 1, 5)"
        set: {{rating: "{{text}}"}}
        say: "Thanks for rating us {{rating}}."
        end: true
      - otherwise:
          say: "Please reply YES or NO."
          retries: 2
          then: end
    timeout: {{after: 24h, say: "Reminder: reply YES or NO.", then: end}}
  cancel:
    set: {{booking.status: cancelled}}
    say: "Your booking is cancelled."
    end: true
"""

_POLL = """\
poll: Generated poll {i}
trigger: {{keyword: {kw}}}
choices: {{A: Moonlight Drive, B: Paper Planes, C: Blue Monday}}
once_per: contact
reply: "Thanks! Your vote for {{choice.label}} is counted."
ask: "Which song? Reply A, B or C."
"""

_SURVEY = """\
survey: Generated survey {i}
trigger: {{keyword: {kw}}}
intro: "Three quick questions."
questions:
  - id: score
    ask: "From 0 to 10, how likely are you to recommend us?"
    type: number
    min: 0
    max: 10
  - id: first_visit
    ask: "Was this your first visit? YES or NO"
    type: yes_no
  - id: improve
    ask: "What could we do better?"
    type: text
    skip_if: "answers.score >= 9"
outro: "Thank you, your answers are recorded."
timeout: 24h
"""


# --- part 1: the pure runtime ---------------------------------------------------------------------


@dataclass
class Case:
    kind: str
    session: Session | None
    inp: Input


_FILLER = (
    "do you have this in blue", "when does the shop open on sunday", "thanks a lot",
    "my order has not arrived yet", "can I bring my dog", "where can I park",
    "is the concert still on tonight", "I think I was charged twice", "hello?",
    "Bonjour, est-ce que vous livrez à Lyon ?", "¿Tienen descuentos para estudiantes?",
)  # fmt: skip


def _input(phone: str, text: str, contact: Contact, serial: int) -> Input:
    message = Inbound(phone, NUMBER, text, NOW, "bench", f"b{serial}", serial)
    return Input("message", contact, NUMBER, message=message, session_id=f"s_{serial}")


def build_cases(rs: RuleSet, gen: Generated, count: int, seed: int = 11) -> list[Case]:
    """A shuffled, realistic mix of ``count`` inputs, with the sessions they continue."""
    rng = random.Random(seed)
    cases: list[Case] = []
    mix = (
        ("keyword", 0.40),
        ("pattern", 0.10),
        ("flow_start", 0.05),
        ("continue", 0.25),
        ("compliance", 0.05),
        ("inbox", 0.15),
    )
    kinds = [k for k, share in mix for _ in range(round(share * 100))]
    serial = 0

    def contact(phone: str) -> Contact:
        if rng.random() < 0.3:
            return Contact(phone, {"name": rng.choice(("Alice", "Bob", "Chloé")), "language": "en"})
        return Contact(phone)

    def waiting(phone: str, who: Contact) -> tuple[Session | None, str]:
        """Start a flow for ``phone`` and return its waiting session and a reply to it."""
        nonlocal serial
        choice = rng.random()
        if choice < 0.5 and gen.flow_triggers:
            trigger = rng.choice(gen.flow_triggers)
            answer = rng.choice(
                ("yes", "Oui merci", "no", "later tonight at 8", "R please", "3", "maybe", "👍")
            )
            steps = [trigger]
        elif choice < 0.75 and gen.surveys:
            trigger = rng.choice(gen.surveys)
            depth = rng.randrange(3)
            steps = [trigger, *(("7", "yes")[:depth])]
            answer = (
                rng.choice(("7", "10!", "eleven")),
                rng.choice(("no", "oui")),
                "More jazz records please",
            )[depth]
        else:
            trigger = rng.choice(gen.polls or gen.flow_triggers)
            steps = [trigger]
            answer = rng.choice(("B", "paper planes", "c please", "D"))
        session: Session | None = None
        for text in steps:
            serial += 1
            session = step(rs, session, _input(phone, text, who, serial), NOW).session
        return session, answer

    while len(cases) < count:
        serial += 1
        phone = f"+3361{serial:07d}"
        who = contact(phone)
        kind = rng.choice(kinds)
        session: Session | None = None
        if kind == "keyword":
            keyword = rng.choice(gen.keywords)
            text = rng.choice(
                (
                    keyword,
                    keyword.lower(),
                    keyword.title(),
                    f"{keyword} please",
                    f"{keyword.lower()}?",
                )
            )
        elif kind == "pattern":
            text = f"{rng.choice(gen.patterns).lower()} {rng.choice(('guitars', 'Vinyl', 'drums'))}"
        elif kind == "flow_start":
            text = rng.choice(gen.flow_triggers + gen.polls + gen.surveys)
            if gen.polls and rng.random() < 0.3:
                text = f"{rng.choice(gen.polls)} {rng.choice('ABC')}"
        elif kind == "continue":
            session, text = waiting(phone, who)
        elif kind == "compliance":
            text = rng.choice(("STOP", "stop", "HELP", "Arrêt", "START", "aide"))
        else:
            text = rng.choice(_FILLER)
        serial += 1
        cases.append(Case(kind, session, _input(phone, text, who, serial)))
    rng.shuffle(cases)
    return cases


def _percentile(ordered: Sequence[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def bench_pure(args: argparse.Namespace) -> tuple[float, RuleSet | None]:
    print(
        f"== 1. pure runtime: step() on one core "
        f"(keywords={args.keywords}, flows={args.flows}, seconds={args.seconds}) =="
    )
    with tempfile.TemporaryDirectory(prefix="twoway-bench-rules-") as folder:
        gen = generate_rules(Path(folder), args.keywords, args.flows)
        started = time.perf_counter()
        compiled = compile_rules(folder)
        compile_time = time.perf_counter() - started
        if compiled.errors or compiled.ruleset is None:
            from engine.errors import render_all

            raise SystemExit(render_all(compiled.errors, compiled.sources))
        rs = compiled.ruleset
    print(
        f"rule set: {gen.files} files ({gen.files - gen.stateful} autoreply, {gen.stateful} "
        f"flow/poll/survey), {rs.keyword_count} keywords, {len(gen.patterns)} patterns, "
        f"{gen.catchalls} when-catch-alls"
    )
    print(f"compile time: {compile_time:.2f} s")
    cases = build_cases(rs, gen, args.cases)
    mix = Counter(case.kind for case in cases)
    print("input mix: " + ", ".join(f"{k} {v / len(cases):.0%}" for k, v in sorted(mix.items())))

    # Warm up (fills the normalisation tables and the regex caches), then measure.
    for case in cases[: min(len(cases), 2000)]:
        step(rs, case.session, case.inp, NOW)
    samples: list[int] = []
    by_kind: dict[str, list[int]] = {}
    clock = time.perf_counter_ns
    deadline = time.perf_counter() + args.seconds
    total = 0
    elapsed_ns = 0
    passes: list[float] = []
    while time.perf_counter() < deadline:
        start = len(samples)
        for case in cases:
            t0 = clock()
            step(rs, case.session, case.inp, NOW)
            took = clock() - t0
            samples.append(took)
            by_kind.setdefault(case.kind, []).append(took)
        total += len(cases)
        passes.append(len(cases) / (sum(samples[start:]) / 1e9))
    elapsed_ns = sum(samples)
    # Decisions per second over the wall time of the loop, timer calls included.
    rate = total / (elapsed_ns / 1e9) if elapsed_ns else 0.0
    ordered = sorted(samples)
    mean = statistics.fmean(samples) / 1e3
    print(f"decisions: {total:,} in {elapsed_ns / 1e9:.2f} s of step() time")
    print(
        f"pure decisions/s: {rate:,.0f}   (target >= {PURE_TARGET:,}: "
        f"{'met' if rate >= PURE_TARGET else 'MISSED'})"
    )
    print(
        f"  per pass over the {len(cases):,} inputs: best {max(passes):,.0f}/s, "
        f"median {statistics.median(passes):,.0f}/s, worst {min(passes):,.0f}/s "
        f"({len(passes)} passes; other processes on the machine show up as a spread)"
    )
    p50, p99 = _percentile(ordered, 0.5) / 1e3, _percentile(ordered, 0.99) / 1e3
    print(f"pure latency per decision: mean {mean:.1f} us   p50 {p50:.1f} us   p99 {p99:.1f} us")
    for kind in sorted(by_kind):
        values = by_kind[kind]
        print(
            f"  {kind:11} mean {statistics.fmean(values) / 1e3:6.1f} us   "
            f"p99 {_percentile(sorted(values), 0.99) / 1e3:6.1f} us"
        )
    return rate, rs


# --- part 2: end to end ---------------------------------------------------------------------------

_E2E_TEXTS = (
    ("HOURS", "twoway"), ("horaires ?", "twoway"), ("ADDRESS", "twoway"),
    ("PRICE guitars", "twoway"), ("VOTE A", NUMBER), ("vote: paper planes!", NUMBER),
    ("SURVEY", "twoway"), ("Do you sell vinyl records?", "twoway"), ("HELP", "twoway"),
    ("opening hours please", "twoway"),
)  # fmt: skip


def _e2e_messages(count: int, big: Generated | None, seed: int = 5) -> list[tuple[str, str, str]]:
    """(sender, recipient, text) for ``count`` messages, one per distinct phone."""
    rng = random.Random(seed)
    messages = []
    for index in range(count):
        phone = f"+3362{index:07d}"
        if big is not None and rng.random() < 0.5:
            text, to = rng.choice(big.keywords), "twoway"
        else:
            text, to = rng.choice(_E2E_TEXTS)
        messages.append((phone, to, text))
    return messages


@dataclass
class E2eResult:
    wall: float
    delivered: float
    latencies: list[float]
    inbound: dict[str, int]
    outbox: dict[str, int]
    inbox: int
    events: int
    sessions: dict[str, int]
    mode: str
    transport_sent: int
    db_size: int


async def _e2e(
    args: argparse.Namespace, folder: Path, rs: RuleSet, big: Generated | None
) -> E2eResult:
    path = folder / "bench.db"
    store = SqliteStore(path)  # WAL, synchronous=FULL: the production settings
    started: dict[str, float] = {}
    latencies: list[float] = []

    def on_sent(message: Outgoing, reference: int) -> None:
        begun = started.pop(message.recipient, None)
        if begun is not None:  # the first reply to this sender
            latencies.append(time.perf_counter() - begun)

    transport = LoopbackTransport(on_sent=on_sent)
    service = Service(rs, store, {"loopback": transport}, clock=SystemClock(), ids=RandomIds())
    await service.start()
    try:
        messages = _e2e_messages(args.messages, big)
        clock = SystemClock()
        gc.collect()
        t0 = time.perf_counter()
        if args.rate:
            # Paced (open loop): a small burst every 10 ms, not waiting for earlier ones.
            size = max(1, int(args.rate / 100))
            pending: list[asyncio.Task[None]] = []
            for index, offset in enumerate(range(0, len(messages), size)):
                delay = t0 + index * size / args.rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                now = clock.now()
                for sender, recipient, text in messages[offset : offset + size]:
                    started[sender] = time.perf_counter()
                    coro = transport.deliver(sender, recipient, text, now)
                    pending.append(asyncio.ensure_future(coro))
            await asyncio.gather(*pending)
        else:
            # As fast as the transport can: chunks of ``concurrency`` deliveries in flight.
            for offset in range(0, len(messages), args.concurrency):
                chunk = messages[offset : offset + args.concurrency]
                now = clock.now()
                tasks = []
                for sender, recipient, text in chunk:
                    started[sender] = time.perf_counter()
                    tasks.append(transport.deliver(sender, recipient, text, now))
                await asyncio.gather(*tasks)
        delivered = time.perf_counter() - t0
        # Stop by ourselves even if something wedges: no message may stay unprocessed.
        await asyncio.wait_for(service.idle(), timeout=max(120.0, args.messages / 100))
        wall = time.perf_counter() - t0
    finally:
        await service.stop()

    with sqlite3.connect(path) as conn:
        inbound = dict(conn.execute("SELECT status, COUNT(*) FROM inbound GROUP BY status"))
        outbox = dict(conn.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status"))
        inbox = conn.execute("SELECT COUNT(*) FROM inbox").fetchone()[0]
        events = conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        sessions = dict(conn.execute("SELECT status, COUNT(*) FROM sessions GROUP BY status"))
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    conn.close()
    db_size = sum(p.stat().st_size for p in folder.glob("bench.db*"))
    return E2eResult(
        wall, delivered, latencies, inbound, outbox, inbox, events, sessions, mode,
        len(transport.sent), db_size,
    )  # fmt: skip


def bench_e2e(args: argparse.Namespace) -> float:
    label = {"default": "rules/", "generated": "generated set", "both": "rules/ + generated set"}
    print(
        f"== 2. end to end: Service + SQLite file store, group commit (messages={args.messages}, "
        + (f"paced at {args.rate:,.0f}/s" if args.rate else f"concurrency={args.concurrency}")
        + f", rules={label[args.e2e_rules]}) =="
    )
    with tempfile.TemporaryDirectory(prefix="twoway-bench-e2e-") as tmp:
        folder = Path(tmp)
        rules_dir = folder / "rules"
        rules_dir.mkdir()
        big: Generated | None = None
        if args.e2e_rules in ("default", "both"):
            for file in (ROOT / "rules").glob("*.yaml"):
                (rules_dir / file.name).write_bytes(file.read_bytes())
        if args.e2e_rules in ("generated", "both"):
            gen_dir = folder / "generated"
            gen_dir.mkdir()
            big = generate_rules(gen_dir, args.keywords, args.flows)
            for file in gen_dir.glob("*.yaml"):
                if file.name != "settings.yaml" or args.e2e_rules == "generated":
                    (rules_dir / file.name).write_bytes(file.read_bytes())
        compiled = compile_rules(rules_dir)
        if compiled.errors or compiled.ruleset is None:
            from engine.errors import render_all

            raise SystemExit(render_all(compiled.errors, compiled.sources))
        result = asyncio.run(_e2e(args, folder, compiled.ruleset, big))
    rate: float = args.messages / result.wall
    latencies = sorted(result.latencies)
    print(
        f"store: SQLite file, journal_mode={result.mode}, synchronous=FULL, batch=500; "
        f"db size {result.db_size / 1e6:.1f} MB"
    )
    print(
        f"all delivered (committed) after {result.delivered:.2f} s; idle after {result.wall:.2f} s"
    )
    verdict = "met" if rate >= E2E_TARGET else "MISSED"
    if args.rate:
        verdict = "not judged: paced runs measure latency at the offered rate"
    print(f"e2e committed messages/s: {rate:,.0f}   (target >= {E2E_TARGET:,}: {verdict})")
    if latencies:
        print(
            f"e2e latency deliver() -> first reply handed to transport: "
            f"p50 {_percentile(latencies, 0.5) * 1e3:.1f} ms   "
            f"p99 {_percentile(latencies, 0.99) * 1e3:.1f} ms   "
            f"max {latencies[-1] * 1e3:.1f} ms   ({len(latencies):,} senders answered)"
        )
    processed = result.inbound.get("processed", 0)
    sent = result.outbox.get("sent", 0)
    rows = sum(result.outbox.values())
    ok = processed == args.messages and sent == rows == result.transport_sent
    print(
        f"verify: inbound processed {processed:,} / {args.messages:,} "
        f"(by status {dict(sorted(result.inbound.items()))}); "
        f"outbox sent {sent:,} / {rows:,} rows (by status {dict(sorted(result.outbox.items()))}); "
        f"transport got {result.transport_sent:,}; {'OK' if ok else 'MISMATCH'}"
    )
    print(
        f"  events {result.events:,}, inbox {result.inbox:,}, "
        f"sessions {dict(sorted(result.sessions.items()))}"
    )
    if not ok:
        raise SystemExit("end-to-end counts do not match")
    return rate


def _rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=20_000, help="end-to-end messages")
    parser.add_argument("--keywords", type=int, default=10_000, help="generated keywords")
    parser.add_argument("--flows", type=int, default=100, help="generated rule files")
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of the pure part")
    parser.add_argument("--cases", type=int, default=20_000, help="distinct pre-built inputs")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=1_000,
        help="deliveries in flight at once (one asyncio.gather each)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="deliver at this many messages/s instead of as fast as possible (latency at a load)",
    )
    parser.add_argument(
        "--e2e-rules",
        choices=("default", "generated", "both"),
        default="default",
        help="rules for the end-to-end part",
    )
    parser.add_argument("--only", choices=("pure", "e2e"), help="run one part only")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 1,000 keywords, 20 flows, 0.5 s, 1,000 messages",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.keywords, args.flows, args.seconds = 1_000, 20, 0.5
        args.messages, args.cases, args.concurrency = 1_000, 2_000, 250
    print(
        f"twoway benchmark: python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, "
        f"{'quick' if args.quick else 'full'} run"
    )
    if args.only in (None, "pure"):
        bench_pure(args)
        print(f"peak RSS so far: {_rss_mb():.0f} MB")
    if args.only in (None, "e2e"):
        bench_e2e(args)
        print(f"peak RSS (whole process): {_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
