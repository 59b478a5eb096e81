"""Canonical matches in SQL: save, load (exact round trip), find, list and delete by match_pk.

Every function takes an open Connection and runs in its transaction: the caller commits.

``load_match`` reads the match's compact document (scoreline.store.match_documents), which
``save_match`` writes in the same transaction as the canonical tables, and falls back to the
tables only when the document is missing or of another encoding. Measured on PostgreSQL 15
on this 2-core machine for a generated 24-round match (median of 50 transactions, load
average ~3 from other work; tests/integration/store/measure_match_store.py): rebuilding the
Match from the seven child tables takes 8-17 ms (10-13 ms of client + server CPU), reading
and decoding the document 1.5-2.1 ms (1.2 ms of it decoding, ~0.85 ms of that building the
~750 frozen dataclasses: a floor for any storage). The document costs each save ~0.5 ms to
encode plus one more COPY, and 13.5 KB. The tables stay the queryable truth; the document is
the workers' read path, and a test checks that both decode to the same Match.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Executable,
    Row,
    Table,
    bindparam,
    case,
    delete,
    func,
    or_,
    select,
    update,
)

from scoreline.domain.rounds import (
    Damage,
    DamageType,
    Defuse,
    Game,
    Kill,
    Match,
    Plant,
    Player,
    PlayerRound,
    PublishedTotals,
    ResultCode,
    Round,
    Team,
)
from scoreline.rollups.buckets import UTC_ZONE
from scoreline.rollups.contributions import negate
from scoreline.store.aggregates import load_stored_contribution
from scoreline.store.bulk import delete_match_rows, insert_tables
from scoreline.store.conflicts import insert_on_conflict
from scoreline.store.match_documents import (
    MATCH_DOCUMENT_ENCODING,
    decode_match_document,
    encode_match_document,
)
from scoreline.store.record_errors import (
    AmbiguousMatchRefError,
    MatchEventsPrunedError,
    MatchNotFoundError,
    UnstorableMatchError,
)
from scoreline.store.rollups import apply_rollup_change, lock_match_head
from scoreline.store.schema import (
    CANONICAL_CHILD_TABLES,
    MATCH_KEYED_TABLES,
    match_documents,
    match_players,
    match_teams,
    matches,
    player_names,
    players,
    published_totals,
    round_damage,
    round_kills,
    round_player_state,
    rounds,
)

# The largest match_pk a decimal reference can be (BIGINT); longer digit strings are source ids.
_MAX_MATCH_PK = 2**63 - 1

# Built once: on the per-job read path, building a statement costs as much as running it.
_SELECT_DOCUMENT = select(match_documents.c.encoding, match_documents.c.document).where(
    match_documents.c.match_pk == bindparam("match_pk")
)


@dataclass(frozen=True, slots=True)
class SavedMatch:
    """``created`` is False when the match was stored already and its rows were replaced."""

    match_pk: int
    created: bool


def save_match(conn: Connection, match: Match, *, payload_id: int | None) -> SavedMatch:
    """Store ``match`` keyed by (game, source match id); return its match_pk.

    A match stored already keeps its match_pk: its canonical rows (and document) are
    replaced and ``created`` is False. Its aggregates and stat stamp are left as they are
    until save_match_stats replaces them. ``payload_id`` links the raw payload it came from
    (None keeps the link a stored match has). Players are upserted with their name history.
    """
    numbers = [round_.number for round_ in match.rounds]
    if len(set(numbers)) != len(numbers):
        raise UnstorableMatchError(match.match_id, "two rounds share a round number")
    match_pk, created = _save_match_row(conn, match, payload_id)
    if not created:
        delete_match_rows(conn, (match_documents, *CANONICAL_CHILD_TABLES), match_pk)
    _save_players(conn, match)
    document = (match_pk, MATCH_DOCUMENT_ENCODING, encode_match_document(match))
    insert_tables(conn, [(match_documents, [document]), *canonical_rows(match_pk, match)])
    return SavedMatch(match_pk, created)


def load_match(conn: Connection, match_pk: int) -> Match:
    """The Match stored as ``match_pk``, equal to the one saved; MatchNotFoundError if none,
    MatchEventsPrunedError if retention deleted its round events."""
    document = conn.execute(_SELECT_DOCUMENT, {"match_pk": match_pk}).first()
    if document is not None and document.encoding == MATCH_DOCUMENT_ENCODING:
        return decode_match_document(document.document)
    if document is None:
        # Retention deletes the document with the round events: the tables would give a
        # Match without kills, damage or states, and stats computed from it would be wrong.
        pruned_at = conn.execute(
            select(matches.c.events_pruned_at).where(matches.c.match_pk == match_pk)
        ).scalar()
        if pruned_at is not None:
            raise MatchEventsPrunedError(match_pk, pruned_at)
    return load_match_from_tables(conn, match_pk)


def load_match_from_tables(conn: Connection, match_pk: int) -> Match:
    """The Match rebuilt from the canonical tables alone (the document is not read)."""
    head = conn.execute(select(matches).where(matches.c.match_pk == match_pk)).first()
    if head is None:
        raise MatchNotFoundError(match_pk)
    kills = _group_by_round(_select_children(conn, round_kills, match_pk))
    damage = _group_by_round(_select_children(conn, round_damage, match_pk))
    states = _group_by_round(_select_children(conn, round_player_state, match_pk))
    round_rows = conn.execute(
        select(rounds).where(rounds.c.match_pk == match_pk).order_by(rounds.c.ordinal)
    ).all()
    return Match(
        match_id=head.source_match_id,
        game=Game(head.game),
        source_format=head.source_format,
        map_name=head.map_name,
        mode=head.mode,
        started_at=head.started_at,
        players=tuple(
            Player(row.player_id, row.name, row.team_id, row.agent, row.party_id)
            for row in _select_children(conn, match_players, match_pk)
        ),
        teams=tuple(
            Team(row.team_id, row.name, row.rounds_won, row.won)
            for row in _select_children(conn, match_teams, match_pk)
        ),
        rounds=tuple(
            _round_from_rows(
                row,
                states.get(row.round_number, ()),
                kills.get(row.round_number, ()),
                damage.get(row.round_number, ()),
            )
            for row in round_rows
        ),
        queue=head.queue,
        ranked=head.ranked,
        duration_ms=head.duration_ms,
        published=tuple(
            PublishedTotals(
                row.player_id,
                row.kills,
                row.deaths,
                row.assists,
                row.score,
                row.rounds_played,
                row.damage,
                row.adr,
                row.hs_pct,
            )
            for row in _select_children(conn, published_totals, match_pk)
        ),
    )


def find_match_pk(conn: Connection, ref: str) -> int | None:
    """The match_pk ``ref`` names: a stored match_pk in decimal, else a source match id.

    None when nothing matches; AmbiguousMatchRefError when the source id is stored for
    several games.
    """
    if ref.isascii() and ref.isdigit() and int(ref) <= _MAX_MATCH_PK:
        found: int | None = conn.execute(
            select(matches.c.match_pk).where(matches.c.match_pk == int(ref))
        ).scalar_one_or_none()
        if found is not None:
            return found
    candidates = list(
        conn.execute(
            select(matches.c.match_pk)
            .where(matches.c.source_match_id == ref)
            .order_by(matches.c.match_pk)
        ).scalars()
    )
    if len(candidates) > 1:
        raise AmbiguousMatchRefError(ref, candidates)
    return candidates[0] if candidates else None


def stored_match_pks(conn: Connection, candidates: Iterable[Match]) -> list[int]:
    """The match_pks already stored for these matches (by source id and game), ascending."""
    found = {
        conn.execute(
            select(matches.c.match_pk).where(
                matches.c.source_match_id == match.match_id, matches.c.game == match.game.value
            )
        ).scalar_one_or_none()
        for match in candidates
    }
    return sorted(match_pk for match_pk in found if match_pk is not None)


def list_match_pks(
    conn: Connection,
    *,
    below_version: int | None = None,
    after_pk: int = 0,
    limit: int = 1000,
) -> list[int]:
    """Up to ``limit`` match_pks above ``after_pk``, ascending: one batch of a resumable walk.

    With ``below_version``, only matches whose aggregates are missing or were computed with
    a stat_version below it. Pass the last pk of a batch as ``after_pk`` to get the next.
    """
    statement = select(matches.c.match_pk).where(matches.c.match_pk > after_pk)
    if below_version is not None:
        statement = statement.where(
            or_(matches.c.stat_version.is_(None), matches.c.stat_version < below_version)
        )
    return list(conn.execute(statement.order_by(matches.c.match_pk).limit(limit)).scalars())


def delete_match(conn: Connection, match_pk: int, *, zone: ZoneInfo = UTC_ZONE) -> bool:
    """Delete the match and every row keyed by its match_pk (canonical and aggregates), and
    take its contribution out of the daily rollups (days in ``zone``).

    The raw payload and the players stay: they are not the match's alone. Returns whether
    the match existed.
    """
    head = lock_match_head(conn, match_pk)
    if head is not None and head.counted:
        apply_rollup_change(conn, negate(load_stored_contribution(conn, head, zone)))
    delete_match_rows(conn, MATCH_KEYED_TABLES, match_pk)
    result = conn.execute(delete(matches).where(matches.c.match_pk == match_pk))
    return result.rowcount > 0


# --- saving -------------------------------------------------------------------------------


def _save_match_row(conn: Connection, match: Match, payload_id: int | None) -> tuple[int, bool]:
    values: dict[str, Any] = {
        "game": match.game.value,
        "source_match_id": match.match_id,
        "source_format": match.source_format,
        "map_name": match.map_name,
        "mode": match.mode,
        "queue": match.queue,
        "ranked": match.ranked,
        "started_at": match.started_at,
        "duration_ms": match.duration_ms,
        "round_count": len(match.rounds),
        "raw_payload_id": payload_id,
    }
    statements = _statements(conn.dialect.name)
    inserted = conn.execute(statements.insert_match, values).scalar_one_or_none()
    if inserted is not None:
        return inserted, True
    # Stored already (or by a concurrent transaction that committed first): this UPDATE
    # also locks the row, so two saves of one match take turns.
    updated: int = conn.execute(
        statements.update_match, {f"new_{name}": value for name, value in values.items()}
    ).scalar_one()
    return updated, False


def _save_players(conn: Connection, match: Match) -> None:
    seen = match.started_at
    # One row per player id, in id order: concurrent saves then lock rows in the same order
    # and cannot deadlock each other on PostgreSQL.
    names = {player.player_id: player.name for player in match.players}
    rows = [
        {"player_id": player_id, "name": names[player_id], "first_seen": seen, "last_seen": seen}
        for player_id in sorted(names)
    ]
    if rows:
        statements = _statements(conn.dialect.name)
        conn.execute(statements.upsert_players, rows)
        conn.execute(statements.upsert_player_names, rows)


@dataclass(frozen=True, slots=True)
class _Statements:
    insert_match: Executable
    update_match: Executable
    upsert_players: Executable
    upsert_player_names: Executable


@cache
def _statements(dialect_name: str) -> _Statements:
    """The write statements of one dialect, built once: SQLAlchemy then reuses their compiled
    form, where building them per call costs more than running them."""
    new_match = insert_on_conflict(dialect_name, matches).on_conflict_do_nothing(
        index_elements=[matches.c.source_match_id, matches.c.game]
    )
    # RETURNING makes SQLAlchemy send an executemany as one multi-row INSERT
    # ("insertmanyvalues"): one statement for all players instead of one per player.
    players_upsert = insert_on_conflict(dialect_name, players)
    new = players_upsert.excluded
    names_upsert = insert_on_conflict(dialect_name, player_names)
    past = names_upsert.excluded
    return _Statements(
        insert_match=new_match.returning(matches.c.match_pk),
        update_match=(
            update(matches)
            .where(
                matches.c.source_match_id == bindparam("new_source_match_id"),
                matches.c.game == bindparam("new_game"),
            )
            .values({column: bindparam(f"new_{column}") for column in _REPLACED_MATCH_COLUMNS})
            # A re-save without a payload keeps the link the match has.
            .values(
                raw_payload_id=func.coalesce(
                    bindparam("new_raw_payload_id", type_=BigInteger()),
                    matches.c.raw_payload_id,
                ),
                # Its round events are stored again, so retention's mark no longer holds.
                events_pruned_at=None,
            )
            .returning(matches.c.match_pk)
        ),
        upsert_players=players_upsert.on_conflict_do_update(
            index_elements=[players.c.player_id],
            set_={
                # The name of the latest match wins, whatever order matches arrive in.
                "name": _either(new.last_seen > players.c.last_seen, new.name, players.c.name),
                "first_seen": _either(
                    new.first_seen < players.c.first_seen, new.first_seen, players.c.first_seen
                ),
                "last_seen": _either(
                    new.last_seen > players.c.last_seen, new.last_seen, players.c.last_seen
                ),
            },
            # A match inside the span already seen rewrites nothing.
            where=or_(new.last_seen > players.c.last_seen, new.first_seen < players.c.first_seen),
        ).returning(players.c.player_id),
        upsert_player_names=names_upsert.on_conflict_do_update(
            index_elements=[player_names.c.player_id, player_names.c.name],
            set_={
                "first_seen": _either(
                    past.first_seen < player_names.c.first_seen,
                    past.first_seen,
                    player_names.c.first_seen,
                ),
                "last_seen": _either(
                    past.last_seen > player_names.c.last_seen,
                    past.last_seen,
                    player_names.c.last_seen,
                ),
            },
            where=or_(
                past.last_seen > player_names.c.last_seen,
                past.first_seen < player_names.c.first_seen,
            ),
        ).returning(player_names.c.player_id),
    )


_REPLACED_MATCH_COLUMNS = (
    "source_format",
    "map_name",
    "mode",
    "queue",
    "ranked",
    "started_at",
    "duration_ms",
    "round_count",
)


def _either(condition: ColumnElement[bool], then: Any, otherwise: Any) -> Any:
    return case((condition, then), else_=otherwise)


def canonical_rows(match_pk: int, match: Match) -> Iterable[tuple[Table, list[tuple[Any, ...]]]]:
    """Each canonical child table with the rows of ``match`` in its column order."""
    yield (
        match_teams,
        [
            (match_pk, ordinal, team.team_id, team.name, team.rounds_won, team.won)
            for ordinal, team in enumerate(match.teams)
        ],
    )
    yield (
        match_players,
        [
            (match_pk, ordinal, p.player_id, p.name, p.team_id, p.agent, p.party_id)
            for ordinal, p in enumerate(match.players)
        ],
    )
    yield rounds, [_round_row(match_pk, ordinal, r) for ordinal, r in enumerate(match.rounds)]
    yield (
        round_kills,
        [
            _kill_row(match_pk, r.number, ordinal, kill)
            for r in match.rounds
            for ordinal, kill in enumerate(r.kills)
        ],
    )
    yield (
        round_damage,
        [
            (
                match_pk,
                r.number,
                ordinal,
                d.attacker_id,
                d.receiver_id,
                d.amount,
                d.headshots,
                d.bodyshots,
                d.legshots,
                d.weapon,
                d.t_ms,
            )
            for r in match.rounds
            for ordinal, d in enumerate(r.damage)
        ],
    )
    yield (
        round_player_state,
        [
            (
                match_pk,
                r.number,
                ordinal,
                s.player_id,
                s.score,
                s.loadout_value,
                s.spent,
                s.remaining,
                s.weapon,
                s.armor,
                s.was_afk,
                s.alive_at_end,
            )
            for r in match.rounds
            for ordinal, s in enumerate(r.players)
        ],
    )
    yield (
        published_totals,
        [
            (
                match_pk,
                ordinal,
                t.player_id,
                t.kills,
                t.deaths,
                t.assists,
                t.score,
                t.rounds_played,
                t.damage,
                t.adr,
                t.hs_pct,
            )
            for ordinal, t in enumerate(match.published)
        ],
    )


def _round_row(match_pk: int, ordinal: int, r: Round) -> tuple[Any, ...]:
    plant, defuse = r.plant, r.defuse
    return (
        match_pk,
        r.number,
        ordinal,
        r.winning_team_id,
        r.result_code.value,
        r.attacking_team_id,
        r.ceremony,
        r.duration_ms,
        None if plant is None else plant.t_ms,
        None if plant is None else plant.planter_id,
        None if plant is None else plant.site,
        None if defuse is None else defuse.t_ms,
        None if defuse is None else defuse.defuser_id,
    )


def _kill_row(match_pk: int, number: int, ordinal: int, k: Kill) -> tuple[Any, ...]:
    killer, victim = k.killer_position, k.victim_position
    return (
        match_pk,
        number,
        ordinal,
        k.t_ms,
        k.killer_id,
        k.victim_id,
        k.assistant_ids,
        k.weapon,
        k.damage_type.value,
        k.headshot,
        k.secondary_fire,
        k.after_round_end,
        None if killer is None else killer[0],
        None if killer is None else killer[1],
        None if victim is None else victim[0],
        None if victim is None else victim[1],
    )


# --- loading from the tables --------------------------------------------------------------


def _select_children(conn: Connection, table: Table, match_pk: int) -> Sequence[Row[Any]]:
    order = [column for column in table.primary_key.columns if column.name != "match_pk"]
    return conn.execute(select(table).where(table.c.match_pk == match_pk).order_by(*order)).all()


def _group_by_round(rows: Sequence[Row[Any]]) -> dict[int, list[Row[Any]]]:
    grouped: defaultdict[int, list[Row[Any]]] = defaultdict(list)
    for row in rows:
        grouped[row.round_number].append(row)
    return grouped


def _round_from_rows(
    row: Row[Any],
    states: Sequence[Row[Any]],
    kills: Sequence[Row[Any]],
    damage: Sequence[Row[Any]],
) -> Round:
    return Round(
        number=row.round_number,
        winning_team_id=row.winning_team_id,
        result_code=ResultCode(row.result_code),
        players=tuple(
            PlayerRound(
                s.player_id,
                s.score,
                s.loadout_value,
                s.spent,
                s.remaining,
                s.weapon,
                s.armor,
                s.was_afk,
                s.alive_at_end,
            )
            for s in states
        ),
        kills=tuple(
            Kill(
                k.t_ms,
                k.killer_id,
                k.victim_id,
                tuple(k.assistant_ids),
                k.weapon,
                DamageType(k.damage_type),
                k.headshot,
                k.secondary_fire,
                k.after_round_end,
                None if k.killer_x is None else (k.killer_x, k.killer_y),
                None if k.victim_x is None else (k.victim_x, k.victim_y),
            )
            for k in kills
        ),
        damage=tuple(
            Damage(
                d.attacker_id,
                d.receiver_id,
                d.amount,
                d.headshots,
                d.bodyshots,
                d.legshots,
                d.weapon,
                d.t_ms,
            )
            for d in damage
        ),
        plant=(
            None
            if row.plant_t_ms is None
            else Plant(row.plant_t_ms, row.planter_id, row.plant_site)
        ),
        defuse=None if row.defuse_t_ms is None else Defuse(row.defuse_t_ms, row.defuser_id),
        attacking_team_id=row.attacking_team_id,
        ceremony=row.ceremony,
        duration_ms=row.duration_ms,
    )
