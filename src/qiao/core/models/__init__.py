from .attachments import Attachment
from .base import AllObjectsManager, LiveManager, MainObject, OrgOwned, ScopedQuerySet, Versioned
from .comments import Comment
from .teams import ProcessStage, TeamMember
from .view_as import ViewAsSession

__all__ = [
    "AllObjectsManager",
    "Attachment",
    "Comment",
    "LiveManager",
    "MainObject",
    "OrgOwned",
    "ProcessStage",
    "ScopedQuerySet",
    "TeamMember",
    "Versioned",
    "ViewAsSession",
]
