"""The one executor of members' commands: a parsed ``desk.Command`` in, a result out.

Every adapter maps its input (a console line, Slack's ``/digest`` text, Discord's typed slash
command options) onto a ``desk.Command``, calls ``ServiceDesk.run`` and renders the result;
the core calls each command makes live here, once. Results are values: a platform renders the
queue, a digest or the settings its own way, and words the simple replies with
``bot.replies``' texts.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import desk, replies
from bot.app import App
from bot.community import CommunitySettings
from bot.curator import SubmitOutcome
from bot.digest import Digest
from bot.events import LinkPosted, MessageRef
from bot.models import Member, Submission
from bot.period import UNITS, period_unit
from bot.records import QueueEntry, VoteOutcome
from bot.setting_types import TYPES
from bot.stats import StatsReport, community_stats
from bot.upgrades import DigestSummaries


@dataclass(frozen=True, slots=True)
class Help:
    """The member asked for help (or typed nothing): the platform's own help text, worded
    by the community's period ``unit`` (period.UNITS)."""

    unit: str


@dataclass(frozen=True, slots=True)
class Submitted:
    outcomes: tuple[SubmitOutcome, ...]


@dataclass(frozen=True, slots=True)
class Voted:
    number: int
    outcome: VoteOutcome


@dataclass(frozen=True, slots=True)
class Unvoted:
    number: int
    removed: bool


@dataclass(frozen=True, slots=True)
class QueueShown:
    entries: tuple[QueueEntry, ...]  # everything queued, best first
    view: replies.QueueView  # the same, failed links apart


@dataclass(frozen=True, slots=True)
class Previewed:
    digest: Digest
    llm: DigestSummaries | None = None  # what posting it now would ask of the model

    @property
    def note(self) -> str:
        """The line about LLM calls shown with the preview ('' when there is none)."""
        return replies.preview_llm_note(self.llm.calls) if self.llm is not None else ""


@dataclass(frozen=True, slots=True)
class Posted:
    digest: Digest | None  # None: that period's digest was out already
    period: str  # as the moderator named it: 'this', 'now', 'last' or a label
    llm: DigestSummaries | None = None  # what posting it asked of the model
    key: str = ""  # the period's label, which says its cadence

    @property
    def reply(self) -> str:
        """The moderator's answer: posted (and what the model wrote for it), or not."""
        posted = replies.posted_reply(self.digest, period_unit(self.key),
                                   current=self.period in ("this", "now"))
        if self.digest is None or self.llm is None:
            return posted
        return posted + " " + replies.posted_llm_note(self.llm.calls, self.llm.written)


@dataclass(frozen=True, slots=True)
class Moderated:
    action: str
    submission: Submission


@dataclass(frozen=True, slots=True)
class Locked:
    locked: bool
    period: str


@dataclass(frozen=True, slots=True)
class IntroSet:
    intro: str


@dataclass(frozen=True, slots=True)
class StatsShown:
    report: StatsReport


@dataclass(frozen=True, slots=True)
class SettingsShown:
    settings: CommunitySettings
    name: str  # '' for every setting


Result = (Help | Submitted | Voted | Unvoted | QueueShown | Previewed | Posted | Moderated
          | Locked | IntroSet | SettingsShown | StatsShown)


class ServiceDesk:
    """Runs commands against the App's services for one community and member."""

    def __init__(self, app: App) -> None:
        self._app = app

    async def run(self, community: str, member: Member, command: desk.Command,
                  channel: str = "", origin: MessageRef | None = None,
                  credited_to: Member | None = None) -> Result:
        """``channel`` is where a posted digest goes when no digest channel is set;
        ``origin`` the message a submitted link came in, and ``credited_to`` its author when
        ``member`` submits someone else's message ("Submit to digest")."""
        curator, editor, publishing = self._app.curator, self._app.editor, self._app.publishing
        verb = command.verb
        if verb == "submit":
            outcomes = await curator.post_link(LinkPosted(community, member, command.text,
                                                          origin, credited_to))
            return Submitted(tuple(outcomes))
        if verb == "vote":
            settings = await curator.settings_for(community)
            emoji = settings.up_emoji[0] if command.up else settings.down_emoji[0]
            return Voted(command.number,
                         await curator.vote_on(community, command.number, member, emoji))
        if verb == "unvote":
            return Unvoted(command.number, await self._unvote(community, member,
                                                              command.number))
        if verb == "queue":
            entries = tuple(await curator.queue(community))
            return QueueShown(entries, replies.queue_view(entries, curator.clock()))
        if verb == "preview":
            shown = await publishing.preview_publication(community, member, command.period)
            assert shown.digest is not None, "a preview is always built"
            return Previewed(shown.digest, shown.llm)
        if verb == "post":
            posted = await publishing.post_publication(community, member, channel,
                                                       command.period)
            return Posted(posted.digest, command.period, posted.llm, posted.period)
        if verb in desk.MODERATION:
            done = await editor.moderate(community, member, command.number, verb, command.text)
            return Moderated(verb, done)
        if verb in ("lock", "unlock"):
            return Locked(verb == "lock", await editor.lock(community, member, verb == "lock"))
        if verb == "intro":
            return IntroSet(await editor.set_intro(community, member, command.text))
        if verb == "config":
            return await self._config(community, member, command)
        if verb == "stats":
            await curator.known_community(community)
            return StatsShown(await community_stats(self._app.store, community,
                                                    curator.clock()))
        settings = await curator.settings_for(community)
        return Help(UNITS[settings.cadence])

    async def _unvote(self, community: str, member: Member, number: int) -> bool:
        """Withdraw every vote the member has on the submission, for and against."""
        curator = self._app.curator
        settings = await curator.settings_for(community)
        removed = False
        for emoji in (*settings.up_emoji, *settings.down_emoji):
            outcome = await curator.vote_on(community, number, member, emoji, added=False)
            removed = removed or outcome.changed
        return removed

    async def _config(self, community: str, member: Member,
                      command: desk.Command) -> SettingsShown:
        name, value = command.setting, command.value
        if value is not None:
            return SettingsShown(await self._app.editor.configure(community, member, name, value),
                                 name)
        if name and name not in TYPES:
            raise desk.UnknownSetting(name)
        settings = await self._app.curator.settings_for(community)
        return SettingsShown(settings if member.is_moderator else settings.redacted(), name)
