from . import navigation


def shell(request) -> dict:
    """What every page of the shell needs: the menu and whether to offer the admin's links."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "navigation": navigation.sections_for(user, request.path),
        "can_manage_org": user.has_code("org.manage"),
        "can_explain": user.has_code("access.explain"),
        "viewing_as": getattr(request, "viewing_as", None),
    }
