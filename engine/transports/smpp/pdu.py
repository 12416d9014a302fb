"""Own the SMPP 3.4 PDU codec: a lean codec for the hot path, smpplib for everything else.

The PDUs of every message (deliver_sm, submit_sm, data_sm, their responses, enquire_link,
generic_nack, unbind) are encoded and decoded here by a few table-driven loops: smpplib spends
about 35 µs on a deliver_sm or a submit_sm, and a link that carries thousands a second runs out
of interpreter before it runs out of network. The lean codec gives byte for byte what smpplib
gives (tests/transports/test_smpp_pdu.py cross-checks both on table cases and generated PDUs);
it only refuses, as ``PduError``, a C-octet string without its NUL, which smpplib misreads.
Other commands (binds, query_sm, …) and unusual arguments go through smpplib.

smpplib's optional-parameter parser is bypassed: it crashes on TLVs it does not know, and on
known ones missing from a command's table (``ussd_service_op`` in a deliver_sm). Here every TLV
is kept raw in ``Pdu.tlvs`` (tag → octets) and read by the few helpers below; unknown ones are
tolerated. Mandatory strings come back as ``bytes`` (as smpplib gives them); ``text_field``
reads them as ``str``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

from smpplib import command as smpp_command
from smpplib import command_codes, consts, smpp

from engine.transports.smpp.status import (
    PERMANENT,
    STATUS_NAMES,
    TRANSIENT,
    describe,
    is_transient,
)

__all__ = [
    "COMMAND_IDS",
    "HEADER",
    "PERMANENT",
    "STATUS_NAMES",
    "TRANSIENT",
    "Pdu",
    "PduError",
    "decode",
    "describe",
    "encode",
    "header",
    "is_transient",
    "smpplib_decode",
    "smpplib_encode",
    "tlv_int",
    "tlv_text",
]

HEADER = struct.Struct(">LLLL")
COMMAND_IDS: dict[str, int] = dict(command_codes.commands)
_NAMES = {code: name for name, code in COMMAND_IDS.items()}

# Tags this package reads.
TLV_RECEIPTED_MESSAGE_ID = 0x001E
TLV_SAR_MSG_REF_NUM = 0x020C
TLV_SAR_TOTAL_SEGMENTS = 0x020E
TLV_SAR_SEGMENT_SEQNUM = 0x020F
TLV_NETWORK_ERROR_CODE = 0x0423
TLV_MESSAGE_PAYLOAD = 0x0424
TLV_MESSAGE_STATE = 0x0427


class PduError(ValueError):
    """A PDU that cannot be decoded (truncated, inconsistent lengths)."""


@dataclass(slots=True)
class Pdu:
    """A decoded PDU: header, mandatory fields (``str``/``int``/``bytes``) and raw TLVs."""

    command: str
    command_id: int
    status: int
    sequence: int
    fields: dict[str, Any] = field(default_factory=dict)
    tlvs: dict[int, bytes] = field(default_factory=dict)
    damaged: str | None = None
    """What was wrong with the TLVs, when they could not all be read: ``tlvs`` holds those
    before the damage, the mandatory fields are whole (the message may still be taken)."""

    @property
    def is_response(self) -> bool:
        return bool(self.command_id & 0x80000000)

    def text_field(self, name: str) -> str:
        value = self.fields.get(name)
        if isinstance(value, bytes):
            return value.decode("latin-1")
        return "" if value is None else str(value)

    def int_field(self, name: str) -> int:
        value = self.fields.get(name)
        return int(value) if isinstance(value, int) else 0


class _Sequence:
    """The client object smpplib's PDUs ask for a sequence number."""

    def __init__(self, sequence: int) -> None:
        self.sequence = sequence

    def next_sequence(self) -> int:
        return self.sequence


def header(raw: bytes) -> tuple[int, int, int, int]:
    """Return ``(length, command_id, status, sequence)`` of the 16-octet header."""
    if len(raw) < 16:
        raise PduError("a PDU header is 16 octets")
    length, command_id, status, sequence = HEADER.unpack_from(raw)
    return length, command_id, status, sequence


def _tlvs(data: bytes) -> tuple[dict[int, bytes], str | None]:
    """The TLVs of ``data``, and what is wrong past the last whole one (or None)."""
    found: dict[int, bytes] = {}
    pos = 0
    while pos + 4 <= len(data):
        tag, length = struct.unpack_from(">HH", data, pos)
        if pos + 4 + length > len(data):
            return found, f"TLV {tag:#06x} runs past the end of the PDU"
        found.setdefault(tag, data[pos + 4 : pos + 4 + length])
        pos += 4 + length
    if pos != len(data):
        return found, f"{len(data) - pos} trailing octets after the last TLV"
    return found, None


# --- the lean codec -------------------------------------------------------------------------

_INT, _CSTR, _OSTR = 0, 1, 2
_Layout = tuple[tuple[str, int, int, Any], ...]
"""(field, kind, smpplib's ``max`` for strings, value when the body ends before it) of a
command's mandatory fields, in order."""


def _layout(name: str) -> _Layout:
    """The mandatory fields of one smpplib command, read from its own tables."""
    made = smpp.make_pdu(name, client=_Sequence(1))
    mandatory = getattr(made, "mandatory_fields", ())
    found: list[tuple[str, int, int, Any]] = []
    for key in made.params_order:
        if key in consts.OPTIONAL_PARAMS and key not in mandatory:
            continue
        param = made.params[key]
        unset = getattr(made, key, None)
        if param.type is int:
            if getattr(param, "size", 1) != 1:
                raise RuntimeError(f"{name}.{key}: only 1-octet integers are lean")
            found.append((key, _INT, 0, unset))
        elif param.type is str:
            found.append((key, _CSTR, int(getattr(param, "max", 0)), unset))
        else:
            found.append((key, _OSTR, 0, unset))
    return tuple(found)


_LEAN: dict[str, _Layout] = {
    name: _layout(name)
    for name in (
        "submit_sm",
        "deliver_sm",
        "data_sm",
        "submit_sm_resp",
        "deliver_sm_resp",
        "data_sm_resp",
        "enquire_link",
        "enquire_link_resp",
        "generic_nack",
        "unbind",
        "unbind_resp",
    )
}
_LEAN_BY_ID: dict[int, tuple[str, _Layout]] = {
    COMMAND_IDS[name]: (name, layout) for name, layout in _LEAN.items()
}
_LEAN_FIELDS: dict[str, frozenset[str]] = {
    name: frozenset(key for key, _, _, _ in layout) for name, layout in _LEAN.items()
}


def _decode_lean(
    raw: bytes, name: str, layout: _Layout, command_id: int, status: int, sequence: int
) -> Pdu:
    fields: dict[str, Any] = {}
    pos, end = 16, len(raw)
    for key, kind, _, unset in layout:
        if pos >= end:  # the body ends here: the other fields keep smpplib's defaults
            fields[key] = unset
        elif kind == _INT:
            fields[key] = raw[pos]
            pos += 1
        elif kind == _CSTR:
            nul = raw.find(0, pos)
            if nul < 0:
                raise PduError(f"cannot decode {name}: {key} has no terminating NUL")
            fields[key] = raw[pos:nul]
            pos = nul + 1
        else:
            size = fields.get("sm_length") or 0
            fields[key] = raw[pos : pos + size]
            pos += size
    tlvs, damaged = _tlvs(raw[pos:]) if pos < end else ({}, None)
    return Pdu(name, command_id, status, sequence, fields, tlvs, damaged)


def _encode_lean(
    name: str, sequence: int, status: int, tlvs: dict[int, bytes] | None, fields: dict[str, Any]
) -> bytes:
    """smpplib's bytes: falsy integers as one NUL, strings cut to ``max - 1`` characters."""
    body = bytearray()
    for key, kind, limit, _ in _LEAN[name]:
        value = fields.get(key)
        if kind == _INT:
            if key == "sm_length":  # smpplib's prep(): always the length of short_message
                message = fields.get("short_message")
                value = len(message) if message else 0
            body.append(value or 0)
        elif kind == _CSTR:
            if value:
                body += value[: limit - 1].encode("latin-1")
            body.append(0)
        elif key == "short_message":
            if value:
                body += value
        else:
            raise RuntimeError(f"{name}.{key}: an octet string the lean encoder does not know")
    if tlvs:
        for tag, value in tlvs.items():
            body += _TLV_HEAD.pack(tag, len(value))
            body += value
    return HEADER.pack(16 + len(body), COMMAND_IDS[name], status, sequence) + body


_TLV_HEAD = struct.Struct(">HH")

_BARE: dict[str, tuple[int, bytes]] = {
    name: (COMMAND_IDS[name], _encode_lean(name, 0, 0, None, {})[16:]) for name in _LEAN
}
"""(command_id, body) of each lean command without a field given: a deliver_sm_resp, an
enquire_link… differ only in their header."""


# --- decoding and encoding ------------------------------------------------------------------


def decode(raw: bytes) -> Pdu:
    """Decode one whole PDU. A command smpplib does not know keeps only its header."""
    length, command_id, status, sequence = header(raw)
    if length != len(raw):
        raise PduError(f"command_length {length} but {len(raw)} octets")
    lean = _LEAN_BY_ID.get(command_id)
    if lean is not None:
        return _checked(_decode_lean(raw, lean[0], lean[1], command_id, status, sequence))
    return smpplib_decode(raw)


def smpplib_decode(raw: bytes) -> Pdu:
    """Decode one whole PDU with smpplib alone (``decode`` uses it beyond the lean commands;
    the tests use it as the reference of the lean decoder)."""
    length, command_id, status, sequence = header(raw)
    if length != len(raw):
        raise PduError(f"command_length {length} but {len(raw)} octets")
    name = _NAMES.get(command_id)
    if name is None:
        return Pdu("unknown", command_id, status, sequence)
    try:
        parsed: smpp_command.Command = smpp.make_pdu(
            name, client=_Sequence(sequence), sequence=sequence, allow_unknown_opt_params=True
        )
    except Exception:  # smpplib has no class for it (replace_sm, cancel_sm, submit_multi, …)
        return Pdu(name, command_id, status, sequence)
    captured: list[bytes] = []
    # smpplib hands everything after the mandatory fields to this method; keep it raw instead.
    parsed.parse_optional_params = captured.append
    try:
        parsed.parse(raw)
    except (struct.error, IndexError, TypeError, ValueError) as exc:
        raise PduError(f"cannot decode {name}: {exc}") from exc
    fields: dict[str, Any] = {}
    mandatory = getattr(parsed, "mandatory_fields", ())
    for key in parsed.params_order:
        if key in consts.OPTIONAL_PARAMS and key not in mandatory:
            continue
        fields[key] = getattr(parsed, key, None)
    tlvs, damaged = _tlvs(b"".join(captured))
    return _checked(Pdu(name, command_id, status, sequence, fields, tlvs, damaged))


def _checked(pdu: Pdu) -> Pdu:
    fields = pdu.fields
    if "short_message" in fields:
        message = fields["short_message"]
        fields["short_message"] = bytes(message) if message else b""
        declared = fields.get("sm_length") or 0
        if len(fields["short_message"]) != declared:
            raise PduError(f"sm_length {declared} but {len(fields['short_message'])} octets")
    return pdu


def encode(
    command: str,
    sequence: int,
    status: int = 0,
    tlvs: dict[int, bytes] | None = None,
    **fields: Any,
) -> bytes:
    """Encode one PDU; ``tlvs`` (tag → octets) are appended as given.

    The commands of the hot path with only their mandatory fields go through the lean encoder;
    anything else (binds, TLVs given as keyword arguments, …) through smpplib.
    """
    if not fields and not tlvs:
        bare = _BARE.get(command)
        if bare is not None:
            command_id, body = bare
            return HEADER.pack(16 + len(body), command_id, status, sequence) + body
    known = _LEAN_FIELDS.get(command)
    if known is not None and known.issuperset(fields):
        return _encode_lean(command, sequence, status, tlvs, fields)
    return smpplib_encode(command, sequence, status, tlvs, **fields)


def smpplib_encode(
    command: str,
    sequence: int,
    status: int = 0,
    tlvs: dict[int, bytes] | None = None,
    **fields: Any,
) -> bytes:
    """Encode one PDU with smpplib alone (the reference of the lean encoder)."""
    made: smpp_command.Command = smpp.make_pdu(
        command, client=_Sequence(sequence), sequence=sequence, status=status, **fields
    )
    made.sequence = sequence
    made.status = status
    raw: bytes = made.generate()
    if not tlvs:
        return raw
    extra = b"".join(struct.pack(">HH", tag, len(value)) + value for tag, value in tlvs.items())
    return struct.pack(">L", len(raw) + len(extra)) + raw[4:] + extra


def tlv_text(pdu: Pdu, tag: int) -> str | None:
    """Return a C-octet-string TLV as text (NULs stripped), or None when absent."""
    value = pdu.tlvs.get(tag)
    if value is None:
        return None
    return value.split(b"\x00", 1)[0].decode("latin-1")


def tlv_int(pdu: Pdu, tag: int) -> int | None:
    """Return an integer TLV (1, 2 or 4 octets, big-endian), or None when absent."""
    value = pdu.tlvs.get(tag)
    if not value:
        return None
    return int.from_bytes(value, "big")
