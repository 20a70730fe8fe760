from enum import StrEnum


class KnowledgeError(StrEnum):
    """Codes of the errors users see from the knowledge base (carried as ValidationError.code)."""

    NAME_REQUIRED = "name_required"
    DUPLICATE_CATEGORY_NAME = "duplicate_category_name"
    UNKNOWN_CATEGORY = "unknown_category"
    MOVE_INTO_SUBTREE = "move_into_subtree"
    CATEGORY_NOT_EMPTY = "category_not_empty"
    TITLE_REQUIRED = "title_required"
    BAD_TEXT = "bad_text"
    TOO_MANY_TAGS = "too_many_tags"
    TAG_TOO_LONG = "tag_too_long"
    UNKNOWN_ROLE = "unknown_role"
    UNKNOWN_ARTICLE = "unknown_article"
    NOT_A_MAIN_OBJECT = "not_a_main_object"
    ALREADY_LINKED = "already_linked"
