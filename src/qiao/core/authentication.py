"""How users are loaded on every request: by API token (settings REST_FRAMEWORK) and from the
session (settings AUTHENTICATION_BACKENDS). Both read, in the same query as the user, their
department and what the permission engine asks about them (permissions/facts.py: the roles, the
public pool's departments), which would otherwise cost a query each on every list. A module of
its own: DRF imports the authentication classes while it loads its views, so this may not import
rest_framework.views."""

from django.contrib.auth import backends, get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .middleware import activate_time_zone_of
from .permissions.facts import keep_user_facts, with_user_facts


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's `Authorization: Token <key>`. DRF reads the token after the middleware, which could not
    know the user: the answer's times are shown in the user's organization's time zone from here."""

    def authenticate_credentials(self, key):
        tokens = with_user_facts(self.get_model().objects.select_related("user__department", "user__org"), "user__")
        try:
            token = tokens.get(key=key)
        except self.get_model().DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        keep_user_facts(token, token.user)
        activate_time_zone_of(token.user)
        return token.user, token


class ModelBackend(backends.ModelBackend):
    """Django's backend (username and password), loading a session's user as the token does, and
    their organization, whose time zone every page is shown in (core/middleware.py)."""

    def get_user(self, user_id):
        users = with_user_facts(get_user_model()._default_manager.select_related("department", "org"))
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
