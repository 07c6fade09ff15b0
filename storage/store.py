"""Every store port at once: one class per port (storage/communities.py, submissions.py,
votes.py, digests.py, summaries.py, shared.py, installations.py, mail.py, upgrades.py,
holds.py, stats.py, cursors.py), composed on one storage.db.Database.

The engine is chosen by the Database the store is built on: storage.sqlite.SqliteStore (the
embedded default) and storage.postgres.PostgresStore. The same classes and SQL serve both.
"""

from __future__ import annotations

from storage.communities import SqlCommunities, SqlMembers
from storage.cursors import SqlChannelCursors
from storage.digests import SqlDigests, SqlPeriodNotes
from storage.holds import SqlHolds
from storage.installations import SqlInstallations
from storage.mail import SqlMailLog
from storage.shared import SqlCommandSyncs, SqlLeases, SqlSeenEvents
from storage.stats import SqlStats
from storage.submissions import SqlIngestQueue, SqlMessages, SqlSubmissions
from storage.summaries import SqlSummaryCache
from storage.upgrades import SqlSummaryUpgrades
from storage.votes import SqlVotes


class SqlStore(SqlCommunities, SqlMembers, SqlSubmissions, SqlMessages, SqlIngestQueue,
               SqlVotes, SqlDigests, SqlPeriodNotes, SqlSummaryCache, SqlLeases,
               SqlSeenEvents, SqlCommandSyncs, SqlInstallations, SqlMailLog,
               SqlSummaryUpgrades, SqlHolds, SqlStats, SqlChannelCursors):
    """Implements bot.ports.Store: every port, composed on one Database.

    The port classes share SqlConnection as their only base, so they compose without
    overriding each other; each method is defined in exactly one of them.
    """
