from .attachments import Attachment
from .base import AllObjectsManager, LiveManager, MainObject, OrgOwned, ScopedQuerySet, Versioned
from .comments import Comment
from .fields import SearchKeyField
from .imports import ImportIssue, ImportJob
from .notifications import Notification
from .teams import ProcessStage, TeamMember
from .view_as import ViewAsSession

__all__ = [
    "AllObjectsManager",
    "Attachment",
    "Comment",
    "ImportIssue",
    "ImportJob",
    "LiveManager",
    "MainObject",
    "Notification",
    "OrgOwned",
    "ProcessStage",
    "ScopedQuerySet",
    "SearchKeyField",
    "TeamMember",
    "Versioned",
    "ViewAsSession",
]
