"""Own the REST API's results: what has results, and the results of one poll, survey, flow or
campaign, the read model of ``twoway results --json`` (``engine.results``) as it prints it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from engine.results import compute_campaigns, compute_results, render_json, result_names, select
from engine.web.api.base import reply
from engine.web.api.problems import ProblemError
from engine.web.api.schema import Route, meta

if TYPE_CHECKING:
    from engine.web.api.base import Api

__all__ = ["ROUTES"]


# --- models: the objects of `twoway results --json` -------------------------------------------


@dataclass(frozen=True)
class Choice:
    """A poll's choice and its votes."""

    key: str = field(metadata=meta("What voters send"))
    label: str = field(metadata=meta("Its label"))
    votes: int = field(metadata=meta("Votes for it"))


@dataclass(frozen=True)
class HourVotes:
    """Votes in one hour (in the rules' time zone)."""

    hour: str = field(metadata=meta("The hour's start"))
    votes: int = field(metadata=meta("Votes in it"))


@dataclass(frozen=True)
class PollResult:
    """A poll: votes per choice, voters, refused votes, votes per hour."""

    kind: str = field(metadata=meta("poll", enum=["poll"]))
    name: str = field(metadata=meta("The poll's flow name"))
    title: str = field(metadata=meta("Its title"))
    choices: list[Choice] = field(metadata=meta("In the rule file's order"))
    voters: int = field(metadata=meta("Contacts who voted"))
    refused_second: int = field(metadata=meta("Second votes refused"))
    refused_closed: int = field(metadata=meta("Votes after it closed"))
    refused_not_open: int = field(metadata=meta("Votes before it opened"))
    per_hour: list[HourVotes] = field(metadata=meta("Votes per hour"))


@dataclass(frozen=True)
class Respondent:
    """One survey session."""

    phone: str = field(metadata=meta("Who"))
    started: str = field(metadata=meta("When it started"))
    completed: str | None = field(metadata=meta("When it completed; null if it did not"))
    answers: dict[str, Any] = field(metadata=meta("Question → answer"))


@dataclass(frozen=True)
class Count:
    """How often an answer was given."""

    value: Any = field(metadata=meta("The answer"))
    count: int = field(metadata=meta("How many gave it"))


@dataclass(frozen=True)
class SurveyResult:
    """A survey: one row per session, the completion rate, each question's answers."""

    kind: str = field(metadata=meta("survey", enum=["survey"]))
    name: str = field(metadata=meta("The survey's flow name"))
    title: str = field(metadata=meta("Its title"))
    questions: list[str] = field(metadata=meta("Its questions' ids"))
    respondents: list[Respondent] = field(metadata=meta("One per session"))
    completion_rate: float = field(metadata=meta("Sessions completed / sessions"))
    distributions: dict[str, list[Count]] = field(
        metadata=meta("Question → its answers, most frequent first")
    )


@dataclass(frozen=True)
class FlowResult:
    """A flow: sessions started, how they ended, still active, hand-offs, answers recorded."""

    kind: str = field(metadata=meta("flow", enum=["flow"]))
    name: str = field(metadata=meta("The flow's name"))
    title: str = field(metadata=meta("Its title"))
    started: int = field(metadata=meta("Sessions started"))
    ended_by: dict[str, int] = field(metadata=meta("Reason → sessions ended so"))
    active: int = field(metadata=meta("Sessions still active"))
    handoffs: int = field(metadata=meta("Hand-offs to a person"))
    answers: dict[str, list[Count]] = field(
        metadata=meta("Question → the answers its answer: actions recorded, most frequent first")
    )


@dataclass(frozen=True)
class CampaignResult:
    """A started campaign: its recipients and what became of its messages."""

    name: str = field(metadata=meta("The campaign's name"))
    title: str = field(metadata=meta("Its title"))
    status: str = field(metadata=meta("running, paused, cancelled or done"))
    recipients: int = field(metadata=meta("Recipients"))
    sent: int = field(metadata=meta("Messages sent"))
    delivered: int = field(metadata=meta("Messages delivered"))
    failed: int = field(metadata=meta("Messages failed"))
    replied: int = field(metadata=meta("Recipients who replied"))
    opted_out: int = field(metadata=meta("Recipients who opted out since"))
    held: int = field(metadata=meta("Held by quiet hours"))
    response_rate: float = field(metadata=meta("replied / sent"))


@dataclass(frozen=True)
class Results:
    """Results, exactly as `twoway results NAME --json` prints them."""

    results: list[PollResult | SurveyResult | FlowResult] = field(
        metadata=meta("Polls, surveys and flows (each says its `kind`)")
    )
    campaigns: list[CampaignResult] = field(
        metadata=meta("Campaigns (empty for a campaign not started yet)")
    )


@dataclass(frozen=True)
class ResultName:
    """Something with results."""

    name: str = field(metadata=meta("Its name: GET /results/{name}"))
    kind: str = field(metadata=meta("Its kind", enum=["poll", "survey", "flow", "campaign"]))
    title: str = field(metadata=meta("Its title"))


@dataclass(frozen=True)
class ResultNames:
    """What has results: the polls, surveys and flows of the rules, then the campaigns."""

    results: list[ResultName] = field(metadata=meta("In the rule set's order, then campaigns"))


# --- handlers -----------------------------------------------------------------------------------


async def list_results(api: Api, request: web.Request) -> web.Response:
    ruleset = api.ruleset()
    names = [ResultName(n, ruleset.flows[n].kind, ruleset.flows[n].title or n)
             for n in result_names(ruleset)]  # fmt: skip
    names += [ResultName(c.id, "campaign", c.title) for c in ruleset.campaigns.values()]
    return reply(ResultNames(names))


async def get_results(api: Api, request: web.Request) -> web.Response:
    name = request.match_info["name"]
    ruleset = api.ruleset()
    try:
        flows, campaigns = select(ruleset, [name])
    except KeyError as exc:
        raise ProblemError(404, str(exc.args[0]), kind="urn:twoway:unknown-result") from None
    store = api.store()
    results = await compute_results(store, ruleset, flows or ()) if flows else []
    started = await compute_campaigns(store, campaigns) if campaigns else []
    return web.json_response(json.loads(render_json(results, started)))


ROUTES = (
    Route("GET", "/results", list_results, "What has results: polls, surveys, flows, campaigns",
          "read", None, ResultNames, 200, False, (401, 403)),
    Route("GET", "/results/{name}", get_results, "The results of a poll, survey, flow or "
          "campaign (as twoway results NAME --json)", "read", None, Results, 200, False,
          (401, 403, 404)),
)  # fmt: skip
