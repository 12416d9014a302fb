"""Own the SMPP command statuses: the names this package uses, and what each failure means.

The one place a ``command_status`` number is written: the link, the session, the transport and
the codec read them from here (smpplib's ``consts`` gives the numbers and their descriptions).
"""

from __future__ import annotations

from smpplib import consts

__all__ = [
    "CREDENTIALS",
    "ESME_RBINDFAIL",
    "ESME_RINVBNDSTS",
    "ESME_RINVCMDID",
    "ESME_RINVCMDLEN",
    "ESME_RINVDCS",
    "ESME_RINVPASWD",
    "ESME_RINVSYSID",
    "ESME_RMSGQFUL",
    "ESME_ROK",
    "ESME_RSYSERR",
    "ESME_RTHROTTLED",
    "ESME_RX_P_APPN",
    "ESME_RX_T_APPN",
    "PERMANENT",
    "STATUS_NAMES",
    "THROTTLING",
    "TRANSIENT",
    "describe",
    "is_transient",
]

ESME_ROK: int = consts.SMPP_ESME_ROK
ESME_RINVCMDLEN: int = consts.SMPP_ESME_RINVCMDLEN
ESME_RINVCMDID: int = consts.SMPP_ESME_RINVCMDID
ESME_RINVBNDSTS: int = consts.SMPP_ESME_RINVBNDSTS
ESME_RSYSERR: int = consts.SMPP_ESME_RSYSERR
ESME_RBINDFAIL: int = consts.SMPP_ESME_RBINDFAIL
ESME_RINVPASWD: int = consts.SMPP_ESME_RINVPASWD
ESME_RINVSYSID: int = consts.SMPP_ESME_RINVSYSID
ESME_RMSGQFUL: int = consts.SMPP_ESME_RMSGQFUL
ESME_RTHROTTLED: int = consts.SMPP_ESME_RTHROTTLED
ESME_RX_T_APPN: int = consts.SMPP_ESME_RX_T_APPN
"""ESME receiver temporary app error: the SMSC keeps the deliver_sm and tries again."""
ESME_RX_P_APPN: int = consts.SMPP_ESME_RX_P_APPN
"""ESME receiver permanent app error: sent again, the deliver_sm would fail again."""
ESME_RINVDCS = 0x00000104
"""SMPP 5.0: invalid data coding scheme (smpplib, 3.4, does not name it)."""

CREDENTIALS = frozenset({ESME_RBINDFAIL, ESME_RINVPASWD, ESME_RINVSYSID})
"""Bind refusals that usually mean a wrong system_id or password."""

THROTTLING = frozenset({ESME_RTHROTTLED, ESME_RMSGQFUL})
"""submit_sm refusals that pause every submit of the connector."""

STATUS_NAMES: dict[int, str] = {
    value: name.removeprefix("SMPP_")
    for name, value in vars(consts).items()
    if name.startswith("SMPP_ESME_R") and isinstance(value, int)
}

TRANSIENT = frozenset(
    {
        ESME_RINVBNDSTS,  # our link state: bind again and retry
        ESME_RSYSERR,
        ESME_RMSGQFUL,
        consts.SMPP_ESME_RSUBMITFAIL,
        ESME_RTHROTTLED,
        ESME_RX_T_APPN,
        consts.SMPP_ESME_RDELIVERYFAILURE,
        consts.SMPP_ESME_RUNKNOWNERR,
    }
)
"""submit_sm statuses worth retrying. Everything in ``PERMANENT`` fails the message at once."""

PERMANENT = frozenset(
    {
        consts.SMPP_ESME_RINVMSGLEN,
        ESME_RINVCMDLEN,
        ESME_RINVCMDID,
        consts.SMPP_ESME_RINVPRTFLG,
        consts.SMPP_ESME_RINVREGDLVFLG,
        consts.SMPP_ESME_RINVSRCADR,
        consts.SMPP_ESME_RINVDSTADR,
        consts.SMPP_ESME_RINVSERTYP,
        consts.SMPP_ESME_RINVESMCLASS,
        consts.SMPP_ESME_RINVSRCTON,
        consts.SMPP_ESME_RINVSRCNPI,
        consts.SMPP_ESME_RINVDSTTON,
        consts.SMPP_ESME_RINVDSTNPI,
        consts.SMPP_ESME_RINVSYSTYP,
        consts.SMPP_ESME_RINVREPFLAG,
        consts.SMPP_ESME_RINVSCHED,
        consts.SMPP_ESME_RINVEXPIRY,
        consts.SMPP_ESME_RINVDFTMSGID,
        ESME_RX_P_APPN,
        consts.SMPP_ESME_RX_R_APPN,
        consts.SMPP_ESME_RINVOPTPARSTREAM,
        consts.SMPP_ESME_ROPTPARNOTALLWD,
        consts.SMPP_ESME_RINVPARLEN,
        consts.SMPP_ESME_RMISSINGOPTPARAM,
        consts.SMPP_ESME_RINVOPTPARAMVAL,
        ESME_RINVDCS,
    }
)


def is_transient(status: int) -> bool:
    """Return whether a failed submit_sm may succeed later.

    Unknown (vendor) codes count as transient: a message is retried until its validity ends
    rather than dropped on a code nobody documented.
    """
    return status not in PERMANENT


def describe(status: int) -> str:
    """Return ``ESME_RTHROTTLED (0x58): Throttling error…`` for a command status."""
    name = STATUS_NAMES.get(status, "unknown status")
    text = consts.DESCRIPTIONS.get(status)
    return f"{name} ({status:#x})" + (f": {text}" if text else "")
