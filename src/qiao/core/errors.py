from enum import StrEnum


class CoreError(StrEnum):
    """Codes of the errors users see from the shared machinery."""

    OUT_OF_SCOPE = "out_of_scope"
    STALE_VERSION = "stale_version"
    NOT_OWN_COMMENT = "not_own_comment"
    ATTACHMENT_LOCKED = "attachment_locked"
    ATTACHMENT_TOO_LARGE = "attachment_too_large"
    ATTACHMENT_TYPE = "attachment_type"
    NO_STAGE_FOR_MEMBER = "no_stage_for_member"
    UNKNOWN_TARGET = "unknown_target"
