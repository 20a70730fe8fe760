from django import forms
from django.utils.translation import gettext_lazy as _

from qiao.core.forms import StyledFormMixin
from qiao.org.models import Role

from .models import Article, Category


class CategoryChoiceField(forms.ModelChoiceField):
    """Every node of the tree, leaf or not (PERM-10), indented by depth so the tree reads in a
    drop-down."""

    def label_from_instance(self, category):
        return "\u3000" * (category.depth - 1) + category.name


class ArticleForm(StyledFormMixin, forms.Form):
    """A plain form, not a ModelForm: the article stays untouched until the service has checked
    and sanitized the change."""

    title = forms.CharField(label=_("Title"), max_length=Article._meta.get_field("title").max_length)
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        help_text=_("Any category of the tree, including one that has sub-categories."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas, e.g. “报价, 促销”."),
    )
    body = forms.CharField(
        label=_("Body"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "data-rich-text": "1"}),
    )
    roles = forms.ModelMultipleChoiceField(
        label=_("Restricted to roles"),
        queryset=Role.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked and everyone who may browse the knowledge base can read the article."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, actor, article: Article | None = None, **kwargs):
        initial = dict(kwargs.pop("initial", None) or {})
        if article is not None:
            initial.update(
                title=article.title,
                category=article.category_id,
                tags=", ".join(article.tag_list),
                body=article.body,
                roles=list(article.roles.values_list("pk", flat=True)),
                version=article.version,
            )
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["category"].queryset = Category.objects.visible_to(actor)
        self.fields["roles"].queryset = Role.objects.visible_to(actor).order_by("name")


class CategoryForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=Category._meta.get_field("name").max_length)
    parent = CategoryChoiceField(
        label=_("Parent category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("— top level —"),
        help_text=_("Sub-categories may be added under any category, even one that already holds articles."),
    )

    def __init__(self, *args, actor, category: Category | None = None, **kwargs):
        initial = dict(kwargs.pop("initial", None) or {})
        if category is not None:
            initial.setdefault("name", category.name)
            parent = Category.objects.get_parent(category)
            initial.setdefault("parent", parent.pk if parent else None)
        super().__init__(*args, initial=initial, **kwargs)
        choices = Category.objects.visible_to(actor)
        if category is not None:
            # Never under itself or its own sub-categories.
            choices = choices.exclude(path__startswith=category.path)
        self.fields["parent"].queryset = choices
