"""Own the one SMS splitter: a text's encoding, its parts with their UDH, and how many they are.

Every layer that needs to know what a text becomes as SMS asks here: the runtime and the W401
check count parts (``count_parts``), the connectors split and encode (``split_parts``), read the
UDH of inbound parts (``parse_udh``) and decode joined payloads (``decode``); the modem connector
makes and reads SMS PDUs (``encode_submit``, ``decode_pdu``: ``engine.sms.pdu``). Nothing here
knows a transport: SMPP's data_coding values and TLVs stay in ``engine.transports.smpp``.
Rank 0: this package imports nothing else of the engine.
"""

from __future__ import annotations

from engine.sms.alphabet import GSM7_CHARS, gsm7_decode, gsm7_encode, is_gsm7, septets
from engine.sms.pdu import (
    Deliver,
    PduCoding,
    PduError,
    StatusReport,
    Submit,
    SubmitPdu,
    encode_deliver,
    encode_submit,
)
from engine.sms.pdu import decode as decode_pdu
from engine.sms.split import (
    MAX_PARTS,
    ONE_SMS,
    Coding,
    Part,
    choose,
    count_parts,
    decode,
    encode,
    per_part,
    split_parts,
)
from engine.sms.udh import Concat, make_udh, parse_udh

__all__ = [
    "GSM7_CHARS",
    "MAX_PARTS",
    "ONE_SMS",
    "Coding",
    "Concat",
    "Deliver",
    "Part",
    "PduCoding",
    "PduError",
    "StatusReport",
    "Submit",
    "SubmitPdu",
    "choose",
    "count_parts",
    "decode",
    "decode_pdu",
    "encode",
    "encode_deliver",
    "encode_submit",
    "gsm7_decode",
    "gsm7_encode",
    "is_gsm7",
    "make_udh",
    "parse_udh",
    "per_part",
    "septets",
    "split_parts",
]
