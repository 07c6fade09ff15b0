"""The embedded store: SQLite through aiosqlite, one class per port sharing one connection.

Each port's class (storage/communities.py, submissions.py, votes.py, digests.py,
summaries.py, shared.py, installations.py, mail.py, upgrades.py, cursors.py, ...) is a
SqliteConnection that implements only its port and can be opened on its own; SqliteStore is
all of them at once on a single connection (see storage.connection for the setup, the lock
that keeps transactions whole, and the error mapping).
"""

from __future__ import annotations

from storage.communities import SqliteCommunities, SqliteMembers
from storage.cursors import SqliteChannelCursors
from storage.digests import SqliteDigests, SqlitePeriodNotes
from storage.holds import SqliteHolds
from storage.installations import SqliteInstallations
from storage.mail import SqliteMailLog
from storage.shared import SqliteCommandSyncs, SqliteLeases, SqliteSeenEvents
from storage.stats import SqliteStats
from storage.submissions import SqliteIngestQueue, SqliteMessages, SqliteSubmissions
from storage.summaries import SqliteSummaryCache
from storage.upgrades import SqliteSummaryUpgrades
from storage.votes import SqliteVotes


class SqliteStore(SqliteCommunities, SqliteMembers, SqliteSubmissions, SqliteMessages,
                  SqliteIngestQueue, SqliteVotes, SqliteDigests, SqlitePeriodNotes,
                  SqliteSummaryCache, SqliteLeases, SqliteSeenEvents, SqliteCommandSyncs,
                  SqliteInstallations, SqliteMailLog, SqliteSummaryUpgrades, SqliteHolds,
                  SqliteStats, SqliteChannelCursors):
    """Implements bot.ports.Store: every port, composed on one connection.

    The port classes share SqliteConnection as their only base, so they compose without
    overriding each other; each method is defined in exactly one of them.
    """
