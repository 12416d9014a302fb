"""Campaign results in every format of `twoway results`, from records built here."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl

from engine.results import CampaignResult, render_csv, render_json, render_table, write_xlsx
from engine.results.model import PollResult
from engine.results.render import CAMPAIGN_HEADER

SPRING = CampaignResult("spring", "Spring sale", "done", 120, 100, 90, 8, 25, 3, 20)
DRAFT = CampaignResult("draft", "Not sent yet", "draft", 50, 0, 0, 0, 0, 0, 0)
POLL = PollResult("p", "Pick one", (("A", "Apples", 3),), 3, 0, 0, 0, ())


def test_the_response_rate_is_replies_per_message_sent() -> None:
    assert SPRING.response_rate == 0.25
    assert DRAFT.response_rate == 0.0


def test_table_has_a_campaigns_table_after_the_results() -> None:
    text = render_table([POLL], [SPRING, DRAFT])
    assert text.index("p: Pick one") < text.index("campaigns")
    lines = [line.split() for line in text.splitlines()]
    assert [
        "spring",
        "Spring",
        "sale",
        "done",
        "120",
        "100",
        "90",
        "8",
        "25",
        "3",
        "20",
        "0.25",
    ] in lines
    assert [
        "draft",
        "Not",
        "sent",
        "yet",
        "draft",
        "50",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
    ] in lines
    assert "campaigns" not in render_table([POLL])


def test_csv_has_a_last_section_of_campaigns() -> None:
    sections = render_csv([POLL], [SPRING, DRAFT]).strip("\n").split("\n\n")
    rows = list(csv.reader(io.StringIO(sections[-1])))
    assert rows[0] == list(CAMPAIGN_HEADER)
    assert rows[1] == [
        "spring",
        "Spring sale",
        "done",
        "120",
        "100",
        "90",
        "8",
        "25",
        "3",
        "20",
        "0.25",
    ]
    assert rows[2][0] == "draft" and rows[2][-1] == "0"
    only = list(csv.reader(io.StringIO(render_csv([], [SPRING]))))
    assert only[0] == list(CAMPAIGN_HEADER) and len(only) == 2
    assert render_csv([POLL]) == render_csv([POLL], [])


def test_json_lists_the_campaigns_always() -> None:
    document = json.loads(render_json([POLL], [SPRING]))
    assert document["campaigns"] == [
        {
            "name": "spring",
            "title": "Spring sale",
            "status": "done",
            "recipients": 120,
            "sent": 100,
            "delivered": 90,
            "failed": 8,
            "replied": 25,
            "opted_out": 3,
            "held": 20,
            "response_rate": 0.25,
        }
    ]
    assert json.loads(render_json([POLL]))["campaigns"] == []


def test_xlsx_has_a_campaigns_sheet_with_numbers(tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    with target.open("wb") as handle:
        write_xlsx([POLL], handle, [SPRING, DRAFT])
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["p", "campaigns"]
    rows = list(book["campaigns"].iter_rows(values_only=True))
    assert rows[0] == CAMPAIGN_HEADER
    assert rows[1] == ("spring", "Spring sale", "done", 120, 100, 90, 8, 25, 3, 20, 0.25)
    assert book["campaigns"]["A1"].font.bold is True


def test_a_result_named_campaigns_keeps_its_sheet(tmp_path: Path) -> None:
    named = PollResult("campaigns", "A poll", (("A", "a", 1),), 1, 0, 0, 0, ())
    target = tmp_path / "r.xlsx"
    with target.open("wb") as handle:
        write_xlsx([named], handle, [SPRING])
    assert openpyxl.load_workbook(target).sheetnames == ["campaigns", "campaigns~2"]
