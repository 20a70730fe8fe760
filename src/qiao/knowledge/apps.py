from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "qiao.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from qiao.core import demo as core_demo
        from qiao.core import navigation, recycle_bin, targets
        from qiao.core.panels import Panel, register_panel
        from qiao.core.permissions import PermissionCode, register_codes

        from . import demo, views
        from .models import Article, KnowledgeLink

        register_codes(
            PermissionCode("knowledge.manage", _("Create, edit and delete knowledge articles and categories")),
            PermissionCode("knowledge.browse", _("Read and comment on knowledge articles")),
        )
        # Comments and attachments on articles follow the article's visibility (PERM-9).
        targets.register_target(Article)
        # Purging a main object removes its knowledge links, never the articles (PERM-8, PERM-11).
        recycle_bin.register_dependent(KnowledgeLink)
        register_panel(
            Panel("knowledge", _("Related knowledge"), "knowledge/panels/related.html", views.related_panel_context, 70)
        )
        core_demo.register_loader(core_demo.DemoLoader("knowledge", order=40, load=demo.load))
        navigation.register_section(
            navigation.Section(
                key="knowledge",
                label=_("Knowledge"),
                icon="books",
                order=700,
                items=[
                    navigation.Item(
                        _("Knowledge base"), "knowledge:home", icon="book-2", permission="knowledge.browse"
                    ),
                ],
            )
        )
