"""What an object type declares to be importable (CUS-7; DESIGN: import/export written once in
core, configured per type): its columns, how a cell becomes a field value, and hooks for work done
a batch at a time and for duplicate detection. Everything else — reading files, mapping columns,
the dry run, the commit, the pages — is core's and the same for every type."""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .problems import ImportProblem
from .reading import cell_text


@dataclass(frozen=True)
class ImportField:
    """One column of an import. `name` is a model field, or a virtual column whose `parse`
    turns the cell into several model fields (`targets`)."""

    name: str
    required: bool = False
    # More header texts that mean this column (either language), besides the field's name and
    # its label in every language of the site.
    aliases: tuple[str, ...] = ()
    help_text: str = ""
    example: object = ""
    label: str | None = None  # default: the model field's verbose name
    # (importer, cell value, cell text, context) → {model attribute: value}; raises ValidationError
    parse: Callable | None = None
    targets: tuple[str, ...] = ()  # model fields a virtual column fills (errors on them name it)
    choices: tuple[tuple[str, str], ...] = ()  # a virtual column's allowed codes and labels
    # More ways people write a choice (男 → male), besides its code and its label in every language.
    choice_aliases: tuple[tuple[str, str], ...] = ()


def header_key(text) -> str:
    """A header or choice as typed, reduced for comparison: full-width → half-width, case and
    spaces ignored, the required-column star and a trailing colon dropped."""
    text = unicodedata.normalize("NFKC", str(text or "")).casefold()
    text = re.sub(r"[\s_*:]+", "", text)
    return text.removesuffix("(必填)").removesuffix("必填")


YES = {"1", "true", "yes", "y", "是", "对", "有", "√", "✓", "✔"}
NO = {"0", "false", "no", "n", "否", "不", "无", "没有", "×", "✗", "✘"}
DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
MONEY_NOISE = re.compile(r"[\s,¥￥元$]")


def parse_date(value, text: str) -> date:
    """A date cell, or text such as 2024-05-12, 2024/5/12, 2024.5.12, 2024年5月12日, 20240512."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = unicodedata.normalize("NFKC", text).strip()
    match = DATE.match(text) or COMPACT_DATE.match(text)
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValidationError(
        _("“%(value)s” is not a date. Write it like 2024-05-12 or 2024年5月12日.") % {"value": text},
        code=ImportProblem.INVALID_DATE,
    )


def parse_decimal(text: str) -> Decimal:
    cleaned = MONEY_NOISE.sub("", unicodedata.normalize("NFKC", text))
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValidationError(
            _("“%(value)s” is not a number. Write digits only, like 25000 or 1234.50.") % {"value": text},
            code=ImportProblem.INVALID_NUMBER,
        )
    return number


class EmployeeDirectory:
    """The active employees the importing user may name as owners, by username or full name."""

    def __init__(self, actor):
        from qiao.org.models import User

        self.by_username: dict[str, object] = {}
        self.by_name: dict[str, list] = {}
        for user in User.objects.visible_to(actor).filter(is_active=True).select_related("department"):
            self.by_username[header_key(user.username)] = user
            self.by_name.setdefault(header_key(user.full_name), []).append(user)

    def find(self, text: str):
        key = header_key(text)
        if key in self.by_username:
            return self.by_username[key]
        named = self.by_name.get(key, [])
        if len(named) == 1:
            return named[0]
        if named:
            raise ValidationError(
                _("Several employees are named “%(value)s”; write the username instead.") % {"value": text},
                code=ImportProblem.AMBIGUOUS_EMPLOYEE,
            )
        raise ValidationError(
            _("No active employee has the username or full name “%(value)s”.") % {"value": text},
            code=ImportProblem.UNKNOWN_EMPLOYEE,
        )


@dataclass
class ParseContext:
    actor: object
    employees: EmployeeDirectory


class Importer:
    """Subclass per object type, set `model` and `fields`, and register the instance with
    `register_importer` in the app's ready()."""

    model: type[models.Model] = None
    fields: list[ImportField] = []
    url_namespace: str | None = None  # the type's pages (list, detail), e.g. "customers"
    batch_size = 1000
    # Model fields shown in the dry run's preview of the first rows (default: the imported ones).
    preview_fields: list[str] = []

    # --- columns ---------------------------------------------------------------------------------

    @property
    def code(self) -> str:
        return self.model._meta.model_name

    @property
    def label_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def model_field(self, import_field: ImportField):
        try:
            return self.model._meta.get_field(import_field.name)
        except Exception:
            return None

    def field(self, name: str) -> ImportField | None:
        return next((f for f in self.fields if f.name == name), None)

    def label(self, import_field: ImportField) -> str:
        model_field = self.model_field(import_field)
        label = import_field.label if import_field.label is not None else model_field.verbose_name
        return capfirst(str(label))

    def header(self, import_field: ImportField) -> str:
        """The column's header in the template: its label, with a star when required."""
        return f"{self.label(import_field)}*" if import_field.required else self.label(import_field)

    def targets(self, import_field: ImportField) -> tuple[str, ...]:
        return import_field.targets or (import_field.name,)

    def field_for_target(self, model_field_name: str) -> ImportField | None:
        return next((f for f in self.fields if model_field_name in self.targets(f)), None)

    def value_kind(self, import_field: ImportField) -> str:
        kinds = self.__dict__.setdefault("_value_kinds", {})
        if import_field.name not in kinds:
            kinds[import_field.name] = self._value_kind(import_field)
        return kinds[import_field.name]

    def _value_kind(self, import_field: ImportField) -> str:
        if import_field.parse is not None:
            return "custom"
        model_field = self.model_field(import_field)
        if model_field.is_relation:
            return "employee" if model_field.related_model._meta.label == settings.AUTH_USER_MODEL else "unsupported"
        if model_field.choices:
            return "choice"
        if isinstance(model_field, models.BooleanField):
            return "boolean"
        if isinstance(model_field, models.DecimalField):
            return "decimal"
        if isinstance(model_field, models.IntegerField):
            return "integer"
        if isinstance(model_field, models.DateField) and not isinstance(model_field, models.DateTimeField):
            return "date"
        return "text"

    def choices(self, import_field: ImportField) -> list[tuple[str, str]]:
        if import_field.choices:
            return [(code, str(label)) for code, label in import_field.choices]
        model_field = self.model_field(import_field)
        return [(str(code), str(label)) for code, label in (model_field.flatchoices if model_field else [])]

    @cached_property
    def _choice_lookup(self) -> dict[str, dict[str, str]]:
        """Per column: every way of writing a choice (its code, its label in each language) → code."""
        lookup = {}
        for import_field in self.fields:
            if not (import_field.choices or self.value_kind(import_field) == "choice"):
                continue
            ways = {}
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    for code, label in self.choices(import_field):
                        ways.setdefault(header_key(label), code)
            for code, _label in self.choices(import_field):
                ways[header_key(code)] = code
            for text, code in import_field.choice_aliases:
                ways.setdefault(header_key(text), code)
            lookup[import_field.name] = ways
        return lookup

    def choice_code(self, import_field: ImportField, text: str) -> str:
        code = self._choice_lookup[import_field.name].get(header_key(text))
        if code is None:
            allowed = "、".join(label for _code, label in self.choices(import_field))
            raise ValidationError(
                _("“%(value)s” is not one of the choices of this column: %(allowed)s.")
                % {"value": text, "allowed": allowed},
                code=ImportProblem.INVALID_CHOICE,
            )
        return code

    @cached_property
    def _header_lookup(self) -> dict[str, str]:
        """Every header text that names a column → the column's field name."""
        lookup = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for import_field in self.fields:
                    lookup.setdefault(header_key(self.label(import_field)), import_field.name)
        for import_field in self.fields:
            lookup.setdefault(header_key(import_field.name), import_field.name)
            for alias in import_field.aliases:
                lookup.setdefault(header_key(alias), import_field.name)
        return lookup

    def guess_mapping(self, headers: list[str]) -> dict[str, str]:
        """Column position (as text) → field name, for the headers this importer recognises; a
        field is given to the first column that names it."""
        mapping, taken = {}, set()
        for position, header in enumerate(headers):
            name = self._header_lookup.get(header_key(header))
            if name and name not in taken:
                mapping[str(position)] = name
                taken.add(name)
        return mapping

    # --- values ----------------------------------------------------------------------------------

    def parse(self, import_field: ImportField, value, text: str, context: ParseContext) -> dict:
        """{model attribute: value} for one non-empty cell; ValidationError with a message that
        quotes the cell when it cannot be read."""
        kind = self.value_kind(import_field)
        name = import_field.name
        if kind == "custom":
            return import_field.parse(self, value, text, context)
        if kind == "choice":
            return {name: self.choice_code(import_field, text)}
        if kind == "employee":
            return {name: context.employees.find(text)}
        if kind == "boolean":
            key = header_key(text)
            if key in YES or key == header_key(_("yes")):
                return {name: True}
            if key in NO or key == header_key(_("no")):
                return {name: False}
            raise ValidationError(
                _("“%(value)s” is neither yes nor no. Write 是 or 否.") % {"value": text},
                code=ImportProblem.INVALID_BOOLEAN,
            )
        if kind == "decimal":
            return {name: parse_decimal(text)}
        if kind == "integer":
            number = parse_decimal(text)
            if number != number.to_integral_value():
                raise ValidationError(
                    _("“%(value)s” is not a whole number.") % {"value": text}, code=ImportProblem.INVALID_NUMBER
                )
            return {name: int(number)}
        if kind == "date":
            return {name: parse_date(value, text)}
        return {name: text}

    def example_row(self) -> list:
        return [str(f.example) if f.example is not None else "" for f in self.fields]

    def example_texts(self) -> dict[str, str]:
        """The example row's cells as text, in the active language."""
        return {f.name: cell_text(str(f.example)) for f in self.fields if f.example not in ("", None)}

    def is_example(self, row: dict, examples: dict[str, str] | None = None) -> bool:
        """Whether a row is the template's example row left in place (it is skipped)."""
        examples = self.example_texts() if examples is None else examples
        return bool(examples) and all(row.get(name) == text for name, text in examples.items())

    # --- hooks -----------------------------------------------------------------------------------

    def build(self, *, actor, values: dict):
        """An unsaved record of the actor's organization with the parsed values."""
        record = new_record(self.model, org_id=actor.org_id)
        for name, value in values.items():
            setattr(record, name, value)
        return record

    def prepare_batch(self, records: list) -> None:
        """Work better done for many records at once, before each is prepared (e.g. parsing
        every address of a batch in one call)."""

    def duplicate_row(self, record) -> dict:
        """What the duplicate matcher compares of a record (name, phones, code, address…)."""
        return {}

    def find_duplicates(self, *, org_id: int, rows: list[dict]) -> list[list]:
        """For each row, its possible duplicates among the organization's records and among the
        earlier rows (type "row", id = the earlier row's index in `rows`), best first: matches
        with `type, id, name, score, reasons`. Found across every scope (a `*_as_system` function)."""
        return [[] for _row in rows]

    def matches_for_user(self, user, matches: list) -> list[dict]:
        """The stored-record matches as `user` may see them: name and id only for the records
        they can open (PERM-3)."""
        from qiao.core.permissions import object_type

        visible = set()
        by_type: dict[str, set[int]] = {}
        for match in matches:
            by_type.setdefault(match.type, set()).add(match.id)
        for type_code, ids in by_type.items():
            kind = object_type(type_code)
            if kind is not None:
                records = kind.model.objects.visible_to(user).filter(pk__in=ids)
                visible |= {(type_code, pk) for pk in records.values_list("pk", flat=True)}
        return [
            {
                "type": match.type,
                "id": match.id if (match.type, match.id) in visible else None,
                "name": str(match.name) if (match.type, match.id) in visible else "",
                "score": match.score,
                "reasons": [str(reason) for reason in match.reasons]
                if (match.type, match.id) in visible
                else [_("Matches a record you cannot see.")],
                "visible": (match.type, match.id) in visible,
            }
            for match in matches
        ]

    def changed_since_as_system(self, *, org_id: int, since) -> bool:
        """Whether any record of the organization was saved since `since` (then the commit checks
        for duplicates again)."""
        return self.model.all_objects.filter(org_id=org_id, updated_at__gte=since).exists()


_blanks: dict[type, tuple[dict, list]] = {}


def new_record(model, **values):
    """`model(**values)` for a batch of thousands: a copy of a blank instance's attributes, about
    thirty times faster than running Model.__init__ over seventy fields (bench/imports). Fields
    with a callable default (a fresh list, the current time) get their own value each time."""
    from django.db.models.base import ModelState

    if model not in _blanks:
        blank = model()
        fresh = [f for f in model._meta.concrete_fields if f.has_default() and callable(f.default)]
        _blanks[model] = ({k: v for k, v in blank.__dict__.items() if k != "_state"}, fresh)
    attributes, fresh = _blanks[model]
    record = model.__new__(model)
    state = dict(attributes)
    state["_state"] = ModelState()
    for model_field in fresh:
        state[model_field.attname] = model_field.get_default()
    record.__dict__ = state
    for name, value in values.items():
        setattr(record, name, value)
    return record


_importers: dict[str, Importer] = {}


def register_importer(importer: Importer) -> Importer:
    _importers[importer.code] = importer
    return importer


def importer_for(type_code: str) -> Importer | None:
    return _importers.get(type_code)


def importers() -> list[Importer]:
    return list(_importers.values())


NOT_IMPORTED = gettext_lazy("(do not import)")
