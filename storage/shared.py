"""State shared by every process on one database (bot.state_ports.LeaseStore, SeenEvents and
CommandSyncs): named locks with a lease, events already handled, and the last command sync."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.connection import SqlConnection, iso


class SqlLeases(SqlConnection):
    """Implements bot.state_ports.LeaseStore with a row per lock: taking it is one conditional
    upsert. (PostgreSQL may use ``pg_try_advisory_lock`` instead.)"""

    async def try_lease(self, name: str, owner: str, now: datetime, until: datetime) -> bool:
        async with self._tx() as tx:
            taken = await tx.fetch(
                "INSERT INTO leases (name, owner, until) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until "
                "WHERE leases.owner = excluded.owner OR leases.until < ? RETURNING name",
                (name, owner, iso(until), iso(now)),
            )
        return bool(taken)

    async def drop_lease(self, name: str, owner: str) -> None:
        await self._write("DELETE FROM leases WHERE name = ? AND owner = ?", (name, owner))


class SqlSeenEvents(SqlConnection):
    """Implements bot.state_ports.SeenEvents."""

    async def first_sighting(self, scope: str, event_id: str, now: datetime,
                             keep: timedelta) -> bool:
        expired = iso(now - keep)
        async with self._tx() as tx:
            first = await tx.execute(
                "INSERT INTO seen_events (scope, event_id, seen_at) VALUES (?, ?, ?) "
                "ON CONFLICT (scope, event_id) DO UPDATE SET seen_at = excluded.seen_at "
                "WHERE seen_events.seen_at < ?",
                (scope, event_id, iso(now), expired),
            ) > 0
            if first:
                # Forgetting what has expired keeps the table as small as one ``keep`` of
                # events; done on new events only, so a retry costs one statement.
                await tx.execute("DELETE FROM seen_events WHERE seen_at < ?", (expired,))
        return first


class SqlCommandSyncs(SqlConnection):
    """Implements bot.state_ports.CommandSyncs."""

    async def synced_hash(self, application: str) -> str | None:
        rows = await self._fetch("SELECT hash FROM command_syncs WHERE application = ?",
                                 (application,))
        return str(rows[0]["hash"]) if rows else None

    async def record_sync(self, application: str, digest: str, now: datetime) -> None:
        await self._write(
            "INSERT INTO command_syncs (application, hash, synced_at) VALUES (?, ?, ?) "
            "ON CONFLICT (application) DO UPDATE SET hash = excluded.hash, "
            "synced_at = excluded.synced_at",
            (application, digest, iso(now)),
        )
