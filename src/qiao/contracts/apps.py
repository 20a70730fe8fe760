from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "qiao.contracts"
    label = "contracts"
    verbose_name = _("Contracts")

    def ready(self) -> None:
        from qiao.core import navigation, permissions

        from . import services
        from .models import Contract

        permissions.register_object_type(Contract, prepare=services.prepare_contract)
        navigation.register_section(
            navigation.Section(
                key="contracts",
                label=_("Contracts"),
                icon="file-certificate",
                order=210,
                items=[
                    navigation.Item(
                        _("Contracts"), "contracts:list", icon="file-certificate", permission="contract.view"
                    )
                ],
            )
        )
