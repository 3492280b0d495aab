"""The access log's hash chain: each entry's hash covers the hash of the entry before it and its own fields.

An entry's `entry_hash` is sha256 over `previous_hash`, a separator and the entry's canonical fields
(a JSON array in a fixed order). Entries are numbered 1, 2, 3... (`sequence`) with no gaps. So a changed
entry no longer matches its own hash, and a removed or inserted one breaks the link (and the numbering) of
the entry after it. Removing the newest entries leaves a shorter chain that still holds together: the daily
copy outside the database (oocr/audit/export.py) holds the chain's head, and `verify_access_log --exports`
compares the two.

On PostgreSQL the next number and the previous hash are read under a transaction-level advisory lock
(CHAIN_LOCK), held until the entry's transaction commits, so two requests never chain to the same entry
(which would fork the chain); the unique sequence refuses a fork on any database.
"""

import hashlib
import ipaddress
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections

GENESIS = "0" * 64
# pg_advisory_xact_lock key: "ACCESSLG" as a 64-bit number, unlikely to meet another lock of the application.
CHAIN_LOCK = int.from_bytes(b"ACCESSLG", "big") - 2**63
# The fields of an entry its hash covers, in this order.
CHAINED_FIELDS = ["sequence", "at", "user_id", "kind", "content_type_id", "object_id", "person_id", "ip_address",
                  "justification", "recipient"]


def _canonical_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def entry_canonical(values: dict) -> str:
    """An entry's chained fields as one line of text: the same on every database and after a round trip.

    An address in its exploded form: PostgreSQL writes "::ffff:10.0.0.1" where Python writes "::ffff:a00:1".
    """
    canonical = {field: _canonical_value(values[field]) for field in CHAINED_FIELDS}
    if canonical["ip_address"]:
        canonical["ip_address"] = ipaddress.ip_address(canonical["ip_address"]).exploded
    return json.dumps([canonical[field] for field in CHAINED_FIELDS], ensure_ascii=False, separators=(",", ":"))


def entry_hash(previous_hash: str, values: dict) -> str:
    return hashlib.sha256(f"{previous_hash}|{entry_canonical(values)}".encode()).hexdigest()


# PostgreSQL (migration audit 0003): take the lock, then read the head. One round trip; a VOLATILE function reads
# with a fresh snapshot after the lock is granted, so it sees the entry of whoever held the lock before.
CHAIN_HEAD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_accesslog_chain_head(OUT head_sequence bigint, OUT head_hash varchar)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
    SELECT sequence, entry_hash INTO head_sequence, head_hash FROM audit_accesslog ORDER BY sequence DESC LIMIT 1;
END;
$$;
"""


def chain_head_locked(using: str) -> tuple[int, str]:
    """The newest entry's (sequence, hash), (0, GENESIS) if none, held until the caller's transaction ends.

    On PostgreSQL under the chain's advisory lock, so two transactions never chain to the same entry
    (SQLite lets one writer at a time; the unique sequence refuses a fork on any database).
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT head_sequence, head_hash FROM audit_accesslog_chain_head()")
        else:
            cursor.execute("SELECT sequence, entry_hash FROM audit_accesslog ORDER BY sequence DESC LIMIT 1")
        row = cursor.fetchone()
    return (row[0], row[1]) if row and row[0] is not None else (0, GENESIS)


@dataclass(frozen=True)
class ChainBreak:
    sequence: int  # the number the first broken link has, or should have had
    entry_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"entry {self.sequence}" + (f" (id {self.entry_id})" if self.entry_id else "")
        return f"The chain breaks at {where}: {self.problem}"


VERIFIED_FIELDS = ["id", *CHAINED_FIELDS, "previous_hash", "entry_hash"]


def entries_in_order(queryset, *, chunk: int = 5000):
    """The entries of `queryset` (values() with "sequence") in chain order, read a chunk at a time by number.

    Not `.iterator()`: a verification stops at the first break, and a server-side cursor left open
    is then closed whenever the garbage collector gets to it, in the middle of another query.
    """
    after = 0
    while batch := list(queryset.filter(sequence__gt=after).order_by("sequence")[:chunk]):
        yield from batch
        after = batch[-1]["sequence"]


def chain_verify(entries) -> tuple[int, ChainBreak | None]:
    """Walk `entries` (dicts of VERIFIED_FIELDS, in sequence order): (entries checked, the first break or None)."""
    expected_sequence, previous_hash, checked = 1, GENESIS, 0
    for entry in entries:
        sequence, entry_id = entry["sequence"], entry["id"]
        if sequence != expected_sequence:
            missing = f"entries {expected_sequence} to {sequence - 1} are" if sequence - 1 > expected_sequence else (
                f"entry {expected_sequence} is")
            return checked, ChainBreak(expected_sequence, None, f"{missing} missing (removed from the database)")
        if entry["previous_hash"] != previous_hash:
            return checked, ChainBreak(sequence, entry_id, "it does not follow from the entry before it (an entry was "
                                                           "inserted, removed or changed before it)")
        if entry_hash(entry["previous_hash"], entry) != entry["entry_hash"]:
            return checked, ChainBreak(sequence, entry_id, "its contents do not match its hash (it was changed)")
        previous_hash, expected_sequence, checked = entry["entry_hash"], sequence + 1, checked + 1
    return checked, None
