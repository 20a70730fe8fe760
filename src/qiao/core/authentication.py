"""How API clients authenticate (settings REST_FRAMEWORK). A module of its own: DRF imports the
authentication classes while it loads its views, so this may not import rest_framework.views."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's `Authorization: Token <key>`, reading the employee's department with the token: the
    permission engine needs it on every list (department scopes, the public pool's departments),
    and it would otherwise cost a query of its own."""

    def authenticate_credentials(self, key):
        try:
            token = self.get_model().objects.select_related("user__department").get(key=key)
        except self.get_model().DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
